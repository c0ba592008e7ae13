"""SageMaker Feature Store Runtime: the records of feature groups (PutRecord, GetRecord,
BatchGetRecord, DeleteRecord; BatchWriteRecord, UpdateRecord and ListRecords in newer models).

Records are written against the feature groups the control plane holds, read through
`store.table("feature-group")`: the group must exist and be `Created`, a record must name only
features the group defines, carry its record identifier and event time, and give each value in
the form its feature type and collection type call for (the rules and their sources are in
docs/feature-store-runtime.md). A refused record changes nothing.

The online store keeps one record per identifier, the one with the latest event time: a record
with an older event time is historic and goes to the offline store only, which sagemock accepts
and does not keep (no S3 objects are written and nothing serves Athena). Records are kept in the
family's table of `feature-group-record` documents, one per record, keyed by the group's creation
stamp and the record identifier (`<_seq>/<identifier>`): in the same store as their group, so in
snapshots and the server's state, and saved by an incremental state file one record at a time. A
group made again under a deleted one's name has a new stamp, so starts empty; the group's deletion
drops its records (`forget`, called by the feature groups family). An entry holds the feature values
as given, the event time as Unix seconds, its TTL and when it expires (measured on the mock's clock,
so `mock.advance(...)` expires it) and whether it was soft deleted.

Reads change nothing (`READS`): an expired record is left in place and no longer answered, as a
hard-deleted one would not be.
"""
from __future__ import annotations

import datetime as _dt
import functools
import math
import re
from collections.abc import Iterable
from typing import Any

from ..core import pagination, service
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ConflictError, ResourceNotFound, ServiceError, ValidationError
from ..core.table import Table

Document = dict[str, Any]

GROUPS = "feature-group"
#: The kind of the family's table of records (not an AWS resource: no ARN, no tags).
RECORDS = "feature-group-record"
ONLINE, OFFLINE = "OnlineStore", "OfflineStore"
#: UpdateRecord: "This operation is available only for feature groups that use the Standard_V2 or
#: InMemory online store type"; "You can update up to 100 features per call".
UPDATABLE_STORAGE = ("Standard_V2", "InMemory")
MAX_UPDATED_FEATURES = 100
#: CreateFeatureGroup.EventTimeFeatureName: "String: EventTime feature values must be an ISO-8601
#: string in the format. The following formats are supported yyyy-MM-dd'T'HH:mm:ssZ and
#: yyyy-MM-dd'T'HH:mm:ss.SSSZ".
_ISO_EVENT_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{3}))?Z")
#: FeatureDefinition.FeatureType "Integral" is a 64-bit integer (feature-store-quotas.html: "Integral:
#: Long"); "Fractional" a double.
_INTEGRAL = re.compile(r"[+-]?\d+")
_LONG = 2 ** 63
#: TtlDuration.Unit -> seconds (TtlDurationUnit: Seconds, Minutes, Hours, Days, Weeks).
_UNIT_SECONDS = {"Seconds": 1, "Minutes": 60, "Hours": 3600, "Days": 86_400, "Weeks": 604_800}
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


# -- the group a request names ----------------------------------------------------------------------

def _not_found(name: str, not_found_code: bool) -> ServiceError:
    """AWS's words for a group that does not exist: PutRecord answers them as ValidationError
    (aws/sagemaker-python-sdk#2606: "An error occurred (ValidationError) when calling the PutRecord
    operation: Resource Not Found: Amazon SageMaker can't find a FeatureGroup with name ..."); the
    operations whose model declares ResourceNotFound (GetRecord) answer that code."""
    message = f"Resource Not Found: Amazon SageMaker can't find a FeatureGroup with name {_name_of(name)}"
    return ResourceNotFound(message, status=_status("ResourceNotFound")) if not_found_code else ValidationError(message)


@functools.cache
def _status(code: str) -> int:
    """The HTTP status of one of the service's errors, as its model declares it (ResourceNotFound: 404)."""
    return int(service.model(FeatureStoreRuntime.SERVICE).shape_for(code).metadata["error"]["httpStatusCode"])


def _name_of(name_or_arn: str) -> str:
    return name_or_arn.rsplit("/", 1)[-1]


def _group(family: Backend, ctx: Context, name: str, *, not_found_code: bool = False) -> Document:
    """The Created group a request names (by name or ARN)."""
    group = family.store.table(GROUPS).find(ctx, name)
    if group is None:
        raise _not_found(name, not_found_code)
    status = group["FeatureGroupStatus"]
    if status != "Created":
        raise ValidationError(f"The FeatureGroup {group['FeatureGroupName']} is {status}: records can be written "
                              "and read only once it is Created.")
    return group


def _has_online_store(group: Document) -> bool:
    return bool((group.get("OnlineStoreConfig") or {}).get("EnableOnlineStore"))


def _stores_of(group: Document) -> list[str]:
    """The stores a group uses, the default of TargetStores ("By default, Feature Store adds the
    record to all of the stores that you're using for the FeatureGroup")."""
    stores = [ONLINE] if _has_online_store(group) else []
    if group.get("OfflineStoreConfig") is not None:
        stores.append(OFFLINE)
    return stores


def _target_stores(group: Document, params: Params) -> list[str]:
    used = _stores_of(group)
    wanted = params.get("TargetStores")
    if wanted is None:
        return used
    for store in wanted:
        if store not in used:
            raise ValidationError(f"The FeatureGroup {group['FeatureGroupName']} has no {store}: TargetStores may "
                                  f"name only the stores it uses ({', '.join(used)}).")
    return list(wanted)


def _require_online(group: Document) -> None:
    """GetRecord: "Use for OnlineStore serving from a FeatureStore"."""
    if not _has_online_store(group):
        raise ValidationError(f"The FeatureGroup {group['FeatureGroupName']} has no OnlineStore: records can be read "
                              "only from a feature group with an online store (OnlineStoreConfig EnableOnlineStore).")


# -- a record's values, checked against the group's definitions ------------------------------------------

def _event_time(group: Document, text: str, what: str) -> float:
    """An event time as Unix seconds, read as the group's event time feature's type says
    (CreateFeatureGroup.EventTimeFeatureName: "Fractional: EventTime feature values must be a Unix
    timestamp in seconds"; "String: ... an ISO-8601 string")."""
    feature = next(f for f in group["FeatureDefinitions"] if f["FeatureName"] == group["EventTimeFeatureName"])
    if feature["FeatureType"] == "Fractional":
        try:
            seconds = float(text)
        except ValueError:
            seconds = math.nan
        if not math.isfinite(seconds):
            raise ValidationError(f"{what} {text!r} is not a Unix timestamp in seconds: the EventTime feature "
                                  f"{feature['FeatureName']} is Fractional.")
        return seconds
    found = _ISO_EVENT_TIME.fullmatch(text)
    moment = None
    if found is not None:
        year, month, day, hour, minute, second, millis = found.groups()
        try:
            moment = _dt.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second),
                                  int(millis or 0) * 1000, tzinfo=_dt.timezone.utc)
        except ValueError:
            moment = None
    if moment is None:
        raise ValidationError(f"{what} {text!r} is not an ISO-8601 string in a supported format "
                              "(yyyy-MM-dd'T'HH:mm:ssZ or yyyy-MM-dd'T'HH:mm:ss.SSSZ): the EventTime feature "
                              f"{feature['FeatureName']} is String.")
    return (moment - _EPOCH).total_seconds()


def _check_scalar(feature: Document, value: str) -> None:
    kind = feature["FeatureType"]
    if kind == "Integral":
        if _INTEGRAL.fullmatch(value) is None or not -_LONG <= int(value) < _LONG:
            raise ValidationError(f"The value {value!r} of feature {feature['FeatureName']} is not an Integral "
                                  "(a 64-bit integer).")
    elif kind == "Fractional":
        try:
            float(value)
        except ValueError:
            raise ValidationError(f"The value {value!r} of feature {feature['FeatureName']} is not a Fractional "
                                  "(a floating-point number).") from None


def _check_value(feature: Document, value: Document) -> None:
    """One FeatureValue: ValueAsString "Used when your CollectionType is None", ValueAsStringList
    "Used when your CollectionType is a List, Set, or Vector" (FeatureValue); the elements of each
    of the feature's type; a Set's unique, a Vector's of its Dimension
    (feature-store-collection-types.html)."""
    name, collection = feature["FeatureName"], feature.get("CollectionType")
    text, items = value.get("ValueAsString"), value.get("ValueAsStringList")
    if collection is None:
        if items is not None or text is None:
            raise ValidationError(f"Feature {name} is not a collection: its value must be given as ValueAsString.")
        _check_scalar(feature, text)
        return
    if text is not None or items is None:
        raise ValidationError(f"Feature {name} is a {collection} collection: its value must be given as "
                              "ValueAsStringList.")
    for item in items:
        _check_scalar(feature, item)
    if collection == "Set" and len(set(items)) != len(items):
        raise ValidationError(f"Feature {name} is a Set collection: its values must be unique.")
    if collection == "Vector":
        dimension = ((feature.get("CollectionConfig") or {}).get("VectorConfig") or {}).get("Dimension")
        if dimension is not None and len(items) != dimension:
            raise ValidationError(f"Feature {name} is a Vector of dimension {dimension}: it was given "
                                  f"{len(items)} values.")


def _check_values(group: Document, values: list[Document]) -> dict[str, Document]:
    """Each feature value checked against the group's definitions, by feature name."""
    definitions = {feature["FeatureName"]: feature for feature in group["FeatureDefinitions"]}
    given: dict[str, Document] = {}
    for value in values:
        name = value["FeatureName"]
        feature = definitions.get(name)
        if feature is None:
            raise ValidationError(f"The feature {name} is not defined in FeatureGroup {group['FeatureGroupName']}: a "
                                  "record can hold only the features of the group's FeatureDefinitions.")
        if name in given:
            raise ValidationError(f"The feature {name} is given more than once in the record.")
        text = value.get("ValueAsString")
        if text is None or "ValueAsStringList" in value or "CollectionType" in feature:
            _check_value(feature, value)
        elif feature["FeatureType"] != "String":  # (a String given as ValueAsString needs no more)
            _check_scalar(feature, text)
        given[name] = value
    return given


def _check_record(group: Document, record: list[Document]) -> tuple[str, float]:
    """A record's identifier and event time, once every value is checked against the group."""
    given = _check_values(group, record)
    identifier_name, event_time_name = group["RecordIdentifierFeatureName"], group["EventTimeFeatureName"]
    for required, role in ((identifier_name, "RecordIdentifierFeatureName"), (event_time_name, "EventTimeFeatureName")):
        if required not in given:
            raise ValidationError(f"The record has no value for {required}, the group's {role}: every record must "
                                  "have its record identifier and its event time.")
    identifier = given[identifier_name]["ValueAsString"]
    return identifier, _event_time(group, given[event_time_name]["ValueAsString"], "The EventTime")


def _ttl_seconds(ttl: Document | None) -> int | None:
    if not ttl or ttl.get("Unit") is None or ttl.get("Value") is None:
        return None
    return int(ttl["Value"]) * _UNIT_SECONDS[ttl["Unit"]]


def _key(group: Document, identifier: str) -> str:
    """A record's key in the family's table: its group's creation stamp (unique in the store, and a
    new one for a group made again under a deleted one's name), then its identifier."""
    return f"{group['_seq']}/{identifier}"


def _put(records: Table, group: Document, request: Document, ttl: Document | None, ctx: Context) -> None:
    """Write a record (PutRecord, an entry of BatchWriteRecord): checked against the group, then
    kept online if its event time is the latest."""
    stores = _target_stores(group, request)
    identifier, event_time = _check_record(group, request["Record"])
    if ONLINE not in stores:
        return  # the offline store is accepted and not kept
    key = _key(group, identifier)
    current = records.get(key)
    if current is not None and not _expired(current, ctx) and event_time < current["EventTime"]:
        return  # a historic record: "it is written only to the OfflineStore"
    # "A record level TtlDuration supersedes the group level TtlDuration" (PutRecord).
    seconds = _ttl_seconds(ttl) or _ttl_seconds(group["OnlineStoreConfig"].get("TtlDuration"))
    records.keep(key, {"Record": request["Record"], "EventTime": event_time, "Ttl": seconds,
                       "ExpiresAt": event_time + seconds if seconds is not None else None, "Deleted": False})


def _service_code(error: ServiceError) -> str:
    """The code a refused request of this service answers (its `ValidationError` for bad input)."""
    return error.code if error.code != "ValidationException" else "ValidationError"


def _list_max() -> int:
    """ListRecords' page when MaxResults is not given: AWS states no default, so the model's maximum."""
    return int(service.operation_in(FeatureStoreRuntime.SERVICE, "ListRecords").input_shape
               .members["MaxResults"].metadata["max"])


# -- what the online store answers ----------------------------------------------------------------------

def _live(records: Table, group: Document, identifier: str, ctx: Context) -> Document | None:
    """The online record of an identifier, if it is there to be read: not soft deleted, not expired."""
    entry = records.get(_key(group, identifier))
    if entry is None or entry["Deleted"] or _expired(entry, ctx):
        return None
    return entry  # type: ignore[no-any-return]


def _expired(entry: Document, ctx: Context) -> bool:
    expires = entry.get("ExpiresAt")
    return expires is not None and (ctx.now - _EPOCH).total_seconds() >= expires


def _answer(entry: Document, feature_names: Iterable[str] | None, expiration: str | None) -> Document:
    values = entry["Record"]
    if feature_names is not None:
        wanted = set(feature_names)
        values = [value for value in values if value["FeatureName"] in wanted]
    answer: Document = {"Record": values} if values else {}
    if expiration == "Enabled" and entry.get("ExpiresAt") is not None:
        answer["ExpiresAt"] = _iso(entry["ExpiresAt"])
    return answer


def _iso(seconds: float) -> str:
    """ExpiresAt: "The ExpiresAt ISO string of the requested record"."""
    moment = _EPOCH + _dt.timedelta(seconds=seconds)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond // 1000:03d}"
    return text + "Z"


class FeatureStoreRuntime(Backend):
    """PutRecord, GetRecord, BatchGetRecord and DeleteRecord; BatchWriteRecord, UpdateRecord and
    ListRecords where the installed model has them (botocore 1.44 on; 1.43.11 lacks them)."""

    SERVICE = "sagemaker-featurestore-runtime"
    READS = frozenset({"GetRecord", "BatchGetRecord", "ListRecords"})

    #: The records, held with `Table.keep` under `_key`: not resources, so the ARN and name members a
    #: table declares (the group's) and its not-found answer serve no lookup.
    records = Table.of(RECORDS, arn="FeatureGroupArn", name="FeatureGroupName", taggable=False,
                       missing=lambda arn: _not_found(arn, True))

    def forget(self, group: Document) -> None:
        """Drop a deleted group's records (the feature groups family calls it as the group goes)."""
        prefix = _key(group, "")
        for key in [key for key in self.records if key.startswith(prefix)]:
            self.records.discard(key)

    @operation
    def put_record(self, params: Params, ctx: Context) -> None:
        _put(self.records, _group(self, ctx, params["FeatureGroupName"]), params, params.get("TtlDuration"), ctx)
        return None

    @operation
    def batch_write_record(self, params: Params, ctx: Context) -> Document:
        """Each entry written as PutRecord writes it; an entry refused is an error of its own and
        the others are written. "A request level TtlDuration applies to all entries that do not
        specify their own TtlDuration" (BatchWriteRecord)."""
        errors: list[Document] = []
        for entry in params["Entries"]:
            try:
                group = _group(self, ctx, entry["FeatureGroupName"], not_found_code=True)
                _put(self.records, group, entry, entry.get("TtlDuration") or params.get("TtlDuration"), ctx)
            except ServiceError as error:
                errors.append({"Entry": entry, "ErrorCode": _service_code(error), "ErrorMessage": error.message})
        # Every entry is processed at once: nothing throttles a mock.
        return {"Errors": errors, "UnprocessedEntries": []}

    @operation
    def update_record(self, params: Params, ctx: Context) -> None:
        """Some features of an existing record, the others kept (UpdateRecord)."""
        group = _group(self, ctx, params["FeatureGroupName"], not_found_code=True)
        stores = _target_stores(group, params)
        storage = (group.get("OnlineStoreConfig") or {}).get("StorageType") or "Standard"
        if not _has_online_store(group) or storage not in UPDATABLE_STORAGE:
            raise ValidationError(f"UpdateRecord is available only for feature groups that use the "
                                  f"{' or '.join(UPDATABLE_STORAGE)} online store type; FeatureGroup "
                                  f"{group['FeatureGroupName']} " + (f"uses {storage}." if _has_online_store(group)
                                                                      else "has no online store."))
        features = params["Features"]
        if len(features) > MAX_UPDATED_FEATURES:
            raise ValidationError(f"You can update up to {MAX_UPDATED_FEATURES} features per call; {len(features)} "
                                  "were given.")
        given = _check_values(group, features)
        identifier = params["RecordIdentifierValueAsString"]
        named = given.get(group["RecordIdentifierFeatureName"])
        if named is not None and named["ValueAsString"] != identifier:
            raise ValidationError(f"The record identifier feature {group['RecordIdentifierFeatureName']} is given as "
                                  f"{named['ValueAsString']}, not the record's {identifier}.")
        stamped = given.get(group["EventTimeFeatureName"])
        event_time = _event_time(group, stamped["ValueAsString"], "The EventTime") if stamped is not None else None
        ttl = params.get("TtlDuration")
        if ttl is not None and event_time is None:
            raise ValidationError(f"If you specify a TtlDuration, you must also provide an EventTime (the feature "
                                  f"{group['EventTimeFeatureName']}) in the request.")
        current = _live(self.records, group, identifier, ctx)
        if current is None:
            raise ResourceNotFound(f"The record {identifier} does not exist in FeatureGroup "
                                   f"{group['FeatureGroupName']}: to create a record, use PutRecord.",
                                   status=_status("ResourceNotFound"))
        if event_time is not None and event_time < current["EventTime"]:
            raise ConflictError(f"The EventTime {stamped['ValueAsString'] if stamped else ''} is older than the "
                                "record's current EventTime: retrieve the record's latest EventTime and resubmit.",
                                status=_status("ConflictException"))
        if ONLINE not in stores:
            return None
        merged = {value["FeatureName"]: value for value in current["Record"]}
        merged.update(given)
        current["Record"] = list(merged.values())
        if event_time is not None:
            current["EventTime"] = event_time
        if ttl is not None:
            current["Ttl"] = _ttl_seconds(ttl)
        current["ExpiresAt"] = current["EventTime"] + current["Ttl"] if current.get("Ttl") is not None else None
        return None

    @operation
    def list_records(self, params: Params, ctx: Context) -> Document:
        """The identifiers of the online store's records, in the order they were first written;
        soft-deleted ones with `IncludeSoftDeletedRecords`, expired ones never."""
        group = _group(self, ctx, params["FeatureGroupName"], not_found_code=True)
        _require_online(group)
        soft = bool(params.get("IncludeSoftDeletedRecords"))
        prefix = _key(group, "")
        identifiers = [key[len(prefix):] for key, entry in self.records.items()
                       if key.startswith(prefix) and (soft or not entry["Deleted"]) and not _expired(entry, ctx)]
        page, token = pagination.offset_page(identifiers, params, _list_max(), pagination.digest(params))
        return {"RecordIdentifiers": page, "NextToken": token}

    @operation
    def get_record(self, params: Params, ctx: Context) -> Document:
        group = _group(self, ctx, params["FeatureGroupName"], not_found_code=True)
        _require_online(group)
        # "If no Record with RecordIdentifierValue is found, then an empty result is returned."
        entry = _live(self.records, group, params["RecordIdentifierValueAsString"], ctx)
        if entry is None:
            return {}
        return _answer(entry, params.get("FeatureNames"), params.get("ExpirationTimeResponse"))

    @operation
    def batch_get_record(self, params: Params, ctx: Context) -> Document:
        """Each identifier's records; a group that cannot be read is an error per record identifier
        ("see GetRecord Errors"), a record not found is left out as GetRecord answers it empty."""
        found: list[Document] = []
        errors: list[Document] = []
        expiration = params.get("ExpirationTimeResponse")
        for wanted in params["Identifiers"]:
            name = wanted["FeatureGroupName"]
            try:
                group = _group(self, ctx, name, not_found_code=True)
                _require_online(group)
            except ServiceError as error:
                errors.extend({"FeatureGroupName": name, "RecordIdentifierValueAsString": identifier,
                               "ErrorCode": _service_code(error), "ErrorMessage": error.message}
                              for identifier in wanted["RecordIdentifiersValueAsString"])
                continue
            for identifier in wanted["RecordIdentifiersValueAsString"]:
                entry = _live(self.records, group, identifier, ctx)
                if entry is None:
                    continue
                answer = _answer(entry, wanted.get("FeatureNames"), expiration)
                if "Record" in answer:
                    found.append({"FeatureGroupName": name, "RecordIdentifierValueAsString": identifier, **answer})
        # Every identifier is processed at once: nothing throttles a mock.
        return {"Records": found, "Errors": errors, "UnprocessedIdentifiers": []}

    @operation
    def delete_record(self, params: Params, ctx: Context) -> None:
        """SoftDelete (the default) leaves a record that reads as absent; HardDelete removes it. A
        delete no later than the record's EventTime does not occur (SoftDelete) or is refused
        (HardDelete "returns EventTime: 400 ValidationException")."""
        group = _group(self, ctx, params["FeatureGroupName"])
        stores = _target_stores(group, params)
        event_time = _event_time(group, params["EventTime"], "The EventTime of the deletion,")
        if ONLINE not in stores:
            return None
        key = _key(group, params["RecordIdentifierValueAsString"])
        current = self.records.get(key)
        if current is not None and _expired(current, ctx):
            current = None  # expired: already hard deleted
        hard = params.get("DeletionMode") == "HardDelete"
        if current is not None and event_time <= current["EventTime"]:
            if hard:
                raise ValidationError(f"EventTime: the EventTime of the deletion ({params['EventTime']}) must be later "
                                      f"than the EventTime of the record {params['RecordIdentifierValueAsString']} in "
                                      "the OnlineStore.")
            return None
        if hard:
            self.records.discard(key)
        elif current is not None:
            # "feature columns are set to null": the record holds its identifier and the deletion's time.
            current.update({"Record": [], "EventTime": event_time, "Ttl": None, "ExpiresAt": None, "Deleted": True})
        return None
