"""Lineage tracking: actions, artifacts, contexts, the associations between them, lineage groups
and QueryLineage.

Actions and contexts are addressed by name; artifacts by an ARN that ends in an id SageMaker
generates (their name is optional). Every lineage entity belongs to the account-region's default
lineage group, which SageMaker creates with the first lineage entity. Associations are directed
edges between two ARNs that exist: lineage entities, or the experiments and trial components of
the experiments family (found in `store.resources`). There is at most one association per
(source, destination) pair, as DeleteAssociation names one by that pair. Deleting an entity
deletes its associations with it: the graph never keeps an edge to nothing.
"""
from __future__ import annotations

import datetime as _dt
import threading
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..core import arns, service, shape, tags, updates
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ResourceNotFound, ValidationError
from ..core.pagination import Listing, digest, offset_page
from ..core.state import next_sequence
from ..core.table import Entries, Table

Document = dict[str, Any]

#: The lineage group SageMaker creates with the first lineage entity of an account-region
#: ("SageMaker AI supports only one default lineage group per account", Cross-Account Lineage
#: Tracking, SageMaker Developer Guide).
DEFAULT_GROUP = "sagemaker-default-lineage-group"

#: ARN resource type -> the LineageType QueryLineage reports (values of the model's LineageType).
_LINEAGE_TYPES = {
    "experiment-trial-component": "TrialComponent",
    "artifact": "Artifact",
    "context": "Context",
    "action": "Action",
}
#: The experiment entities: an association may not join two of them (aws/sagemaker-experiments#157).
_EXPERIMENT_KINDS = frozenset({"experiment", "experiment-trial", "experiment-trial-component"})
#: ARN resource type -> (name member, type member) of the entity's document.
_MEMBERS = {
    "action": ("ActionName", "ActionType"),
    "artifact": ("ArtifactName", "ArtifactType"),
    "context": ("ContextName", "ContextType"),
    "experiment": ("ExperimentName", None),
    "experiment-trial": ("TrialName", None),
    "experiment-trial-component": ("TrialComponentName", None),
}


#: Per store and kind of entity: what SageMaker's automatic tracking finds an entity by (an
#: artifact's SourceUri; a context's or action's SourceUri and type) -> the ARN of the first entity
#: with it, with the stamp (the table's identity and the store's change count of that kind) it is
#: good for. Outside the family's attributes, so snapshots never see it; any change of the kind but
#: the tracking's own makes it again.
_BY_SOURCE: weakref.WeakKeyDictionary[Any, dict[str, tuple[tuple[int, int], dict[Any, str]]]] = \
    weakref.WeakKeyDictionary()
_BY_SOURCE_LOCK = threading.Lock()


def _listing(id_key: str, name_key: str | None) -> Listing:
    """ListActions/ListArtifacts/ListContexts: CreationTime, Descending, 10 (their documented defaults)."""
    sort_keys = {"CreationTime": "CreationTime"}
    if name_key:
        sort_keys["Name"] = name_key
    return Listing(sort_keys=sort_keys, default_sort="CreationTime", default_order="Descending",
                   id_key=id_key, name_key=name_key)


ACTION_LISTING = _listing("ActionArn", "ActionName")
ARTIFACT_LISTING = _listing("ArtifactArn", None)  # SortArtifactsBy has CreationTime only
CONTEXT_LISTING = _listing("ContextArn", "ContextName")
ASSOCIATION_LISTING = Listing(
    sort_keys={key: key for key in ("SourceArn", "DestinationArn", "SourceType", "DestinationType", "CreationTime")},
    default_sort="CreationTime", default_order="Descending", id_key="_id",
)
GROUP_LISTING = Listing(sort_keys={"Name": "LineageGroupName", "CreationTime": "CreationTime"},
                        default_sort="CreationTime", default_order="Ascending", id_key="LineageGroupArn",
                        name_key="LineageGroupName")


class Lineage(Backend):
    actions = Table.of("action", arn="ActionArn", name="ActionName",
                       missing=lambda arn: ResourceNotFound(f"Action {arn} does not exist."))
    #: Artifacts have no name to key by: the ARN, which ends in an id SageMaker makes.
    artifacts = Table.of("artifact", arn="ArtifactArn", name="ArtifactName", keyed_by_arn=True,
                         missing=lambda arn: ResourceNotFound(f"Artifact {arn} does not exist."))
    contexts = Table.of("context", arn="ContextArn", name="ContextName",
                        missing=lambda arn: ResourceNotFound(f"Context {arn} does not exist."))
    #: No lineage group operation takes tags.
    groups = Table.of("lineage-group", arn="LineageGroupArn", name="LineageGroupName", taggable=False,
                      missing=lambda arn: ResourceNotFound(f"Lineage group {arn} does not exist."))

    #: (source ARN, destination ARN) -> the association, in creation order: saved one by one by an
    #: incremental state file (every job, registration and deployment adds some).
    associations = Entries()

    def __init__(self, store: Any):
        super().__init__(store)
        self.associations = {}

    # -- helpers other families use -----------------------------------------------------------

    def default_group(self, ctx: Context) -> str:
        """The ARN of the account-region's default lineage group, created on first use."""
        return self.default_group_at(ctx.now, ctx.user_for("lineage-group"))

    def default_group_at(self, now: _dt.datetime, user: Document) -> str:
        """`default_group` outside a request (a status hook): created at `now` by `user` if new."""
        group = self.groups.get(DEFAULT_GROUP)
        if group is None:
            arn = arns.build(self.store.region, self.store.account, "lineage-group", DEFAULT_GROUP)
            group = {
                "LineageGroupName": DEFAULT_GROUP,
                "LineageGroupArn": arn,
                "DisplayName": DEFAULT_GROUP,
                "CreationTime": now,
                "CreatedBy": user,
                "LastModifiedTime": now,
                "LastModifiedBy": user,
            }
            self.groups.put(group)
        return str(group["LineageGroupArn"])

    @staticmethod
    def lineage_type(arn: str) -> str | None:
        """The LineageType QueryLineage gives the entity an ARN names (None for other resources)."""
        return _LINEAGE_TYPES.get(arns.kind(arn) or "")

    def entity(self, arn: str) -> Document | None:
        """The live document of any resource an association may join, by ARN (in any case where
        the resource's name ignores case)."""
        canonical = self.store.canonical(arn)
        document = self.store.resources.get(canonical) if canonical else None
        if document is not None and self.store.changing:
            self.store.note(str(canonical), document)
        return document

    def track_artifact(self, source_uri: str, artifact_type: str, now: _dt.datetime, user: Document) -> str:
        """The artifact SageMaker's automatic lineage tracking records for a URI a job reads or
        writes: the existing one with that SourceUri ("SageMaker AI reuses any existing entities
        rather than creating new ones. For example, there can be only one artifact with a unique
        SourceUri", Lineage Tracking Entities), else a new one of `artifact_type`."""
        by_source = self._by_source("artifact")
        found = by_source.get(source_uri)
        if found is not None:
            return found
        arn = arns.build(self.store.region, self.store.account, "artifact",
                         f"{self.store.state.random.getrandbits(128):032x}")
        self.artifacts.put({
            "ArtifactArn": arn,
            "Source": {"SourceUri": source_uri},
            "ArtifactType": artifact_type,
            "CreationTime": now,
            "CreatedBy": user,
            "LastModifiedTime": now,
            "LastModifiedBy": user,
            "LineageGroupArn": self.default_group_at(now, user),
        })
        self._remember("artifact", source_uri, arn, by_source)
        return arn

    def _source_stamp(self, kind: str) -> tuple[int, int]:
        return id(self._tracked(kind).documents), self.store.version(kind)[0]

    def _tracked(self, kind: str) -> Any:
        return self.artifacts if kind == "artifact" else self.contexts if kind == "context" else self.actions

    def _by_source(self, kind: str) -> dict[Any, str]:
        """What tracking finds an entity of `kind` by -> the ARN of the first one (in creation
        order): kept from one tracked entity to the next, so that a job, registration or deployment
        does not read every entity."""
        stamp = self._source_stamp(kind)
        found = _BY_SOURCE.get(self.store, {}).get(kind)
        if found is not None and found[0] == stamp:
            return found[1]
        type_key = _MEMBERS[kind][1] if kind != "artifact" else None
        by_source: dict[Any, str] = {}
        for document in self._tracked(kind).values():
            uri = document["Source"]["SourceUri"]
            key = uri if type_key is None else (uri, document.get(str(type_key)))
            by_source.setdefault(key, str(document[f"{kind.capitalize()}Arn"]))
        with _BY_SOURCE_LOCK:
            _BY_SOURCE.setdefault(self.store, {})[kind] = (stamp, by_source)
        return by_source

    def _remember(self, kind: str, key: Any, arn: str, by_source: dict[Any, str]) -> None:
        """File the entity tracking just made: the index is still good, its only change since."""
        by_source[key] = arn
        with _BY_SOURCE_LOCK:
            _BY_SOURCE.setdefault(self.store, {})[kind] = (self._source_stamp(kind), by_source)

    def track_entity(self, kind: str, name: str, source: Document, entity_type: str, now: _dt.datetime,
                     user: Document) -> str:
        """The context or action (`kind`) SageMaker's automatic lineage tracking records for a
        resource: the existing one of `entity_type` with the same SourceUri (SageMaker "reuses any
        existing entities rather than creating new ones"), else a new one called `name` (with a
        numeric suffix if the name is taken)."""
        table = self.contexts if kind == "context" else self.actions
        name_key, type_key = _MEMBERS[kind][0], str(_MEMBERS[kind][1])
        by_source = self._by_source(kind)
        found = by_source.get((source["SourceUri"], entity_type))
        if found is not None:
            return found
        unique, suffix = name, 1
        while unique in table:
            suffix += 1
            unique = f"{name}-{suffix}"
        arn = arns.build(self.store.region, self.store.account, kind, unique)
        table.put({
            name_key: unique, f"{kind.capitalize()}Arn": arn, "Source": dict(source), type_key: entity_type,
            **({"Status": "Completed"} if kind == "action" else {}),
            "CreationTime": now, "CreatedBy": user, "LastModifiedTime": now, "LastModifiedBy": user,
            "LineageGroupArn": self.default_group_at(now, user),
        })
        self._remember(kind, (source["SourceUri"], entity_type), arn, by_source)
        return arn

    def link(self, source: str, destination: str, association_type: str, now: _dt.datetime,
             user: Document) -> None:
        """An association SageMaker creates itself (both ends exist); an existing pair is kept."""
        if (source, destination) not in self.associations:
            self.associations[(source, destination)] = {
                "SourceArn": source, "DestinationArn": destination, "AssociationType": association_type,
                "CreationTime": now, "CreatedBy": user, "_seq": next_sequence(),
            }

    def forget(self, arn: str) -> None:
        """Drop every association of `arn` (a family calls this when it deletes the resource)."""
        for pair in [pair for pair in self.associations if arn in pair]:
            del self.associations[pair]

    # -- actions ------------------------------------------------------------------------------

    @operation
    def create_action(self, params: Params, ctx: Context) -> Document:
        name = params["ActionName"]
        arn = ctx.arn("action", name)
        if name in self.actions:
            raise ValidationError(f"Action {arn} already exists.")
        tags.check(params.get("Tags"))
        document: Document = {
            "ActionName": name,
            "ActionArn": arn,
            "Source": params["Source"],
            "ActionType": params["ActionType"],
            "Description": params.get("Description"),
            "Status": params.get("Status"),
            "Properties": params.get("Properties"),
            "MetadataProperties": params.get("MetadataProperties"),
            **self._stamp(ctx, "action"),
        }
        self.actions.add(document, params.get("Tags"))
        return {"ActionArn": arn}

    def _action(self, ctx: Context, name_or_arn: str) -> Document:
        return self.actions.require(ctx, name_or_arn)

    @operation
    def describe_action(self, params: Params, ctx: Context) -> Document:
        return self._action(ctx, params["ActionName"])

    @operation
    def update_action(self, params: Params, ctx: Context) -> Document:
        document = self._action(ctx, params["ActionName"])
        properties = _updated_properties(document, params, "LineageEntityParameters")
        for member in ("Description", "Status"):
            if params.get(member) is not None:
                document[member] = params[member]
        self._touch(document, properties, ctx, "action")
        return {"ActionArn": document["ActionArn"]}

    @operation
    def delete_action(self, params: Params, ctx: Context) -> Document:
        document = self._action(ctx, params["ActionName"])
        self._remove(self.actions, document)
        return {"ActionArn": document["ActionArn"]}

    @operation
    def list_actions(self, params: Params, ctx: Context) -> Document:
        page, token = ACTION_LISTING.walk(self.actions, ctx, params, [_selecting(params, "ActionType")], filters={})
        summary = service.shape("ActionSummary")
        return {"ActionSummaries": [shape.project(doc, summary) for doc in page], "NextToken": token}

    # -- artifacts ----------------------------------------------------------------------------

    @operation
    def create_artifact(self, params: Params, ctx: Context) -> Document:
        name = params.get("ArtifactName")
        if name is not None:
            self._check_artifact_name(ctx, name)
        tags.check(params.get("Tags"))
        arn = ctx.arn("artifact", f"{ctx.state.random.getrandbits(128):032x}")
        document: Document = {
            "ArtifactName": name,
            "ArtifactArn": arn,
            "Source": params["Source"],
            "ArtifactType": params["ArtifactType"],
            "Properties": params.get("Properties"),
            "MetadataProperties": params.get("MetadataProperties"),
            **self._stamp(ctx, "artifact"),
        }
        self.artifacts.add(document, params.get("Tags"))
        return {"ArtifactArn": arn}

    def _check_artifact_name(self, ctx: Context, name: str, keep: str | None = None) -> None:
        """An artifact name is unique in the account-region (CreateArtifact's ArtifactName docs)."""
        for other in self.artifacts.values():
            if other.get("ArtifactName") == name and other["ArtifactArn"] != keep:
                raise ValidationError(f"Artifact with name {name} already exists: {other['ArtifactArn']}.")

    def _artifact(self, ctx: Context, arn: str) -> Document:
        return self.artifacts.require(ctx, arn)  # (an ARN of another region is refused)

    @operation
    def describe_artifact(self, params: Params, ctx: Context) -> Document:
        return self._artifact(ctx, params["ArtifactArn"])

    @operation
    def update_artifact(self, params: Params, ctx: Context) -> Document:
        document = self._artifact(ctx, params["ArtifactArn"])
        name = params.get("ArtifactName")
        if name is not None:
            self._check_artifact_name(ctx, name, keep=document["ArtifactArn"])
        properties = _updated_properties(document, params, "ArtifactProperties")
        if name is not None:
            document["ArtifactName"] = name
        self._touch(document, properties, ctx, "artifact")
        return {"ArtifactArn": document["ArtifactArn"]}

    @operation
    def delete_artifact(self, params: Params, ctx: Context) -> Document:
        """By ARN or by Source ("Either ArtifactArn or Source must be specified")."""
        arn, source = params.get("ArtifactArn"), params.get("Source")
        if arn is None and source is None:
            raise ValidationError("Either ArtifactArn or Source must be specified.")
        if arn is not None:
            document = self._artifact(ctx, arn)
            if source is not None and not _source_matches(document["Source"], source):
                raise ValidationError(f"Artifact {arn} does not have the source {source['SourceUri']}.")
        else:
            assert source is not None
            matches = [doc for doc in self.artifacts.values() if _source_matches(doc["Source"], source)]
            if not matches:
                raise ResourceNotFound(f"No artifact has the source {source['SourceUri']}.")
            if len(matches) > 1:
                raise ValidationError(f"{len(matches)} artifacts have the source {source['SourceUri']}: "
                                      "delete one by its ArtifactArn.")
            document = matches[0]
        self._remove(self.artifacts, document)
        return {"ArtifactArn": document["ArtifactArn"]}

    @operation
    def list_artifacts(self, params: Params, ctx: Context) -> Document:
        page, token = ARTIFACT_LISTING.walk(self.artifacts, ctx, params, [_selecting(params, "ArtifactType")],
                                            filters={})
        summary = service.shape("ArtifactSummary")
        return {"ArtifactSummaries": [shape.project(doc, summary) for doc in page], "NextToken": token}

    # -- contexts -----------------------------------------------------------------------------

    @operation
    def create_context(self, params: Params, ctx: Context) -> Document:
        name = params["ContextName"]
        arn = ctx.arn("context", name)
        if name in self.contexts:
            raise ValidationError(f"Context {arn} already exists.")
        tags.check(params.get("Tags"))
        document: Document = {
            "ContextName": name,
            "ContextArn": arn,
            "Source": params["Source"],
            "ContextType": params["ContextType"],
            "Description": params.get("Description"),
            "Properties": params.get("Properties"),
            **self._stamp(ctx, "context"),
        }
        self.contexts.add(document, params.get("Tags"))
        return {"ContextArn": arn}

    def _context(self, ctx: Context, name_or_arn: str) -> Document:
        return self.contexts.require(ctx, name_or_arn)

    @operation
    def describe_context(self, params: Params, ctx: Context) -> Document:
        return self._context(ctx, params["ContextName"])

    @operation
    def update_context(self, params: Params, ctx: Context) -> Document:
        document = self._context(ctx, params["ContextName"])
        properties = _updated_properties(document, params, "LineageEntityParameters")
        if params.get("Description") is not None:
            document["Description"] = params["Description"]
        self._touch(document, properties, ctx, "context")
        return {"ContextArn": document["ContextArn"]}

    @operation
    def delete_context(self, params: Params, ctx: Context) -> Document:
        document = self._context(ctx, params["ContextName"])
        self._remove(self.contexts, document)
        return {"ContextArn": document["ContextArn"]}

    @operation
    def list_contexts(self, params: Params, ctx: Context) -> Document:
        page, token = CONTEXT_LISTING.walk(self.contexts, ctx, params, [_selecting(params, "ContextType")],
                                           filters={})
        summary = service.shape("ContextSummary")
        return {"ContextSummaries": [shape.project(doc, summary) for doc in page], "NextToken": token}

    # -- shared entity mechanics --------------------------------------------------------------

    def _stamp(self, ctx: Context, kind: str) -> Document:
        """Times, identity and lineage group of a new entity of `kind`."""
        return {"CreationTime": ctx.now, "CreatedBy": ctx.user_for(kind), "LastModifiedTime": ctx.now,
                "LastModifiedBy": ctx.user_for(kind), "LineageGroupArn": self.default_group(ctx)}

    @staticmethod
    def _touch(document: Document, properties: dict[str, str] | None, ctx: Context, kind: str) -> None:
        if properties is not None:
            document["Properties"] = properties
        updates.touch(document, ctx, kind)

    def _remove(self, table: Table, document: Document) -> None:
        """An entity goes: its associations and tags with it."""
        self.forget(document[table.spec.arn])
        table.remove(document)

    # -- associations -------------------------------------------------------------------------

    def _end(self, ctx: Context, arn: str, role: str) -> Document:
        parsed = arns.parse(arn)
        if parsed is not None:  # an ARN of another region is refused as SageMaker refuses it
            arns.resolve(arn, parsed.resource_type, ctx.region, ctx.account)
        document = self.entity(arn)
        if document is None:
            raise ResourceNotFound(f"The {role} {arn} does not exist.")
        return document

    @operation
    def add_association(self, params: Params, ctx: Context) -> Document:
        self._end(ctx, params["SourceArn"], "source")
        self._end(ctx, params["DestinationArn"], "destination")
        source, destination = self._canonical(params["SourceArn"]), self._canonical(params["DestinationArn"])
        if arns.kind(source) in _EXPERIMENT_KINDS and arns.kind(destination) in _EXPERIMENT_KINDS:
            raise ValidationError("An association cannot join two experiment entities (experiments, trials, "
                                  f"trial components): {source} and {destination}.")
        if (source, destination) in self.associations:
            raise ValidationError(f"An association from {source} to {destination} already exists.")
        self.associations[(source, destination)] = {
            "SourceArn": source,
            "DestinationArn": destination,
            "AssociationType": params.get("AssociationType"),
            "CreationTime": ctx.now,
            "CreatedBy": ctx.user_for("association"),
            "_seq": next_sequence(),
        }
        return {"SourceArn": source, "DestinationArn": destination}

    def _canonical(self, arn: str) -> str:
        """The ARN as the resource is indexed (the same resource, whatever case the request used)."""
        return self.store.canonical(arn) or arn

    @operation
    def delete_association(self, params: Params, ctx: Context) -> Document:
        source, destination = self._canonical(params["SourceArn"]), self._canonical(params["DestinationArn"])
        if (source, destination) not in self.associations:
            raise ResourceNotFound(f"There is no association from {source} to {destination}.")
        del self.associations[(source, destination)]
        return {"SourceArn": source, "DestinationArn": destination}

    def _summary(self, association: Document) -> Document:
        source, destination = association["SourceArn"], association["DestinationArn"]
        return {
            **association,
            "SourceType": self._end_type(source),
            "DestinationType": self._end_type(destination),
            "SourceName": self._name_of(source),
            "DestinationName": self._name_of(destination),
            "_id": f"{source} {destination}",
        }

    def _name_of(self, arn: str) -> str | None:
        members = _MEMBERS.get(arns.kind(arn) or "")
        document = self.entity(arn)
        return document.get(members[0]) if members and document else None

    def _end_type(self, arn: str) -> str | None:
        """An association end's type as ListAssociations gives it: the entity's type; for a trial
        component its Source's SourceType as it is (`SageMakerTrainingJob`), which the SageMaker
        Python SDK's lineage integration tests filter on after a real pipeline run
        (`list_associations(..., SourceType="SageMakerTrainingJob")`, tests/integ/sagemaker/lineage/
        conftest.py `static_dataset_artifact`), where QueryLineage names it `TrainingJob`."""
        if arns.kind(arn) == "experiment-trial-component":
            document = self.entity(arn)
            source_type = ((document or {}).get("Source") or {}).get("SourceType")
            return str(source_type) if source_type else None
        return self._type_of(arn)

    def _type_of(self, arn: str) -> str | None:
        """An entity's type: ArtifactType, ActionType, ContextType; a trial component's source job type."""
        document = self.entity(arn)
        if document is None:
            return None
        members = _MEMBERS.get(arns.kind(arn) or "")
        if members and members[1]:
            return document.get(members[1])
        if arns.kind(arn) == "experiment-trial-component":
            source_type = (document.get("Source") or {}).get("SourceType")
            return source_type.removeprefix("SageMaker") if source_type else None
        return None

    @operation
    def list_associations(self, params: Params, ctx: Context) -> Document:
        wanted = {key: params.get(key) for key in
                  ("SourceArn", "DestinationArn", "SourceType", "DestinationType", "AssociationType")}
        for end in ("SourceArn", "DestinationArn"):
            given = wanted[end]
            if given is not None:
                wanted[end] = self._canonical(given)
        summaries = [self._summary(association) for association in self.associations.values()]
        selected = [summary for summary in _in_window(summaries, params)
                    if all(value is None or summary.get(key) == value for key, value in wanted.items())]
        page, token = ASSOCIATION_LISTING.page(selected, params)
        summary_shape = service.shape("AssociationSummary")
        return {"AssociationSummaries": [shape.project(doc, summary_shape) for doc in page], "NextToken": token}

    # -- lineage groups -----------------------------------------------------------------------

    def _group(self, ctx: Context, name_or_arn: str) -> Document:
        return self.groups.require(ctx, name_or_arn)

    @operation
    def describe_lineage_group(self, params: Params, ctx: Context) -> Document:
        return self._group(ctx, params["LineageGroupName"])

    @operation
    def list_lineage_groups(self, params: Params, ctx: Context) -> Document:
        # "created after a certain point in time": strict bounds here, unlike the entity lists.
        page, token = GROUP_LISTING.walk(self.groups, ctx, params)
        summary = service.shape("LineageGroupSummary")
        return {"LineageGroupSummaries": [shape.project(doc, summary) for doc in page], "NextToken": token}

    @operation
    def get_lineage_group_policy(self, params: Params, ctx: Context) -> Document:
        """No SageMaker operation attaches a policy to a lineage group (AWS RAM does), so there is none."""
        group = self._group(ctx, params["LineageGroupName"])
        return {"LineageGroupArn": group["LineageGroupArn"]}

    # -- QueryLineage -------------------------------------------------------------------------

    @operation
    def query_lineage(self, params: Params, ctx: Context) -> Document:
        starts = params.get("StartArns") or []
        if not starts:  # StartArns is optional in every model: a query from nowhere reaches nothing
            return {"Vertices": [], "Edges": []}
        for arn in starts:
            self._end(ctx, arn, "start entity")
        starts = [self._canonical(arn) for arn in starts]
        direction = params.get("Direction") or "Both"
        max_depth = params.get("MaxDepth")
        if max_depth is None:
            max_depth = service.max_of("QueryLineageMaxDepth")
        include_edges = params.get("IncludeEdges", True)
        found, parents, followed = self._walk(starts, direction, max_depth)
        test = self._filter(params.get("Filters") or {})
        matched = [arn for arn in found if test(arn)]
        kept = set(matched)
        if include_edges:  # the entities on the paths from the start to each match
            stack = list(matched)
            while stack:
                for parent in parents.get(stack.pop(), ()):
                    if parent not in kept and parent not in starts:
                        kept.add(parent)
                        stack.append(parent)
        vertices = [arn for arn in found if arn in kept]
        limit = params.get("MaxResults")
        if limit is None:
            limit = service.max_of("QueryLineageMaxResults")
        page, token = offset_page(vertices, params, limit, query=digest(params))
        position = {arn: index for index, arn in enumerate(vertices)}
        for arn in starts:
            position[arn] = -1
        with_source = bool(params.get("IncludeSource"))
        result: Document = {"Vertices": [self._vertex(arn, with_source) for arn in page], "NextToken": token}
        if include_edges and page:
            on_page = set(page)
            edges = []
            for association in followed:
                ends = (association["SourceArn"], association["DestinationArn"])
                if all(end in position for end in ends):
                    later = max(ends, key=lambda end: position[end])  # an edge comes with its later end
                    if later in on_page:
                        edges.append({key: association.get(key)
                                      for key in ("SourceArn", "DestinationArn", "AssociationType")})
            result["Edges"] = edges
        else:  # always there: the SageMaker SDK reads response["Edges"]
            result["Edges"] = []
        return result

    def _walk(self, starts: list[str], direction: str,
              max_depth: int) -> tuple[list[str], dict[str, list[str]], list[Document]]:
        """Breadth first from the starts, at most `max_depth` associations away; cycles end it.

        Returns the entities reached (nearest first, the starts left out), each one's parents on
        a shortest path, and every association followed.
        """
        outgoing: dict[str, list[Document]] = {}
        incoming: dict[str, list[Document]] = {}
        for association in self.associations.values():
            outgoing.setdefault(association["SourceArn"], []).append(association)
            incoming.setdefault(association["DestinationArn"], []).append(association)
        depth = {arn: 0 for arn in starts}
        order: list[str] = []
        parents: dict[str, list[str]] = {}
        followed: list[Document] = []
        seen_edges: set[int] = set()
        frontier = list(starts)
        for level in range(1, max_depth + 1):
            next_frontier: list[str] = []
            for arn in frontier:
                steps: list[tuple[Document, str]] = []
                if direction in ("Descendants", "Both"):
                    steps += [(a, a["DestinationArn"]) for a in outgoing.get(arn, ())]
                if direction in ("Ascendants", "Both"):
                    steps += [(a, a["SourceArn"]) for a in incoming.get(arn, ())]
                for association, other in steps:
                    if id(association) not in seen_edges:
                        seen_edges.add(id(association))
                        followed.append(association)
                    if other not in depth:
                        depth[other] = level
                        order.append(other)
                        next_frontier.append(other)
                    if depth[other] == level:
                        parents.setdefault(other, []).append(arn)
            frontier = next_frontier
        return order, parents, followed

    def _filter(self, filters: Mapping[str, Any]) -> Callable[[str], bool]:
        types, lineage_types = filters.get("Types"), filters.get("LineageTypes")
        properties = filters.get("Properties")
        bounds = [(filters.get("CreatedBefore"), "CreationTime", _before),
                  (filters.get("CreatedAfter"), "CreationTime", _after),
                  (filters.get("ModifiedBefore"), "LastModifiedTime", _before),
                  (filters.get("ModifiedAfter"), "LastModifiedTime", _after)]

        def test(arn: str) -> bool:
            document = self.entity(arn) or {}
            if types and self._type_of(arn) not in types:
                return False
            if lineage_types and self.lineage_type(arn) not in lineage_types:
                return False
            for bound, key, compare in bounds:
                if bound is not None and (document.get(key) is None or not compare(document[key], bound)):
                    return False
            if properties:  # "included ... if it matches any of the provided pairs"
                own = document.get("Properties") or {}
                if not any(own.get(key) == value for key, value in properties.items()):
                    return False
            return True

        return test

    def _vertex(self, arn: str, with_source: bool = False) -> Document:
        """A vertex; with its Source ("QueryLineage returns this only when you set IncludeSource to
        True") where the entity has a source URI."""
        vertex: Document = {"Arn": arn, "Type": self._type_of(arn), "LineageType": self.lineage_type(arn)}
        uri = ((self.entity(arn) or {}).get("Source") or {}).get("SourceUri") if with_source else None
        if uri is not None:
            vertex["Source"] = {"SourceUri": uri}
        return vertex


# -- module helpers ----------------------------------------------------------------------------

def _before(value: _dt.datetime, bound: _dt.datetime) -> bool:
    return value < bound


def _after(value: _dt.datetime, bound: _dt.datetime) -> bool:
    return value > bound


def _in_window(documents: Iterable[Document], params: Params) -> list[Document]:
    """CreatedAfter / CreatedBefore, both inclusive ("created on or after", "on or before")."""
    after, before = params.get("CreatedAfter"), params.get("CreatedBefore")
    return [doc for doc in documents
            if (after is None or doc["CreationTime"] >= after) and (before is None or doc["CreationTime"] <= before)]


def _selecting(params: Params, type_key: str) -> Callable[[Document], bool]:
    """The SourceUri, type and creation-time filters of ListActions, ListArtifacts, ListContexts
    (the creation times inclusive, as `_in_window`)."""
    uri, kind = params.get("SourceUri"), params.get(type_key)
    after, before = params.get("CreatedAfter"), params.get("CreatedBefore")

    def selected(doc: Document) -> bool:
        return ((after is None or doc["CreationTime"] >= after) and (before is None or doc["CreationTime"] <= before)
                and (uri is None or doc["Source"]["SourceUri"] == uri) and (kind is None or doc.get(type_key) == kind))

    return selected


def _updated_properties(document: Document, params: Params, cap_shape: str) -> dict[str, str] | None:
    """The properties after an update (checked before anything changes; None when untouched)."""
    return updates.merged_map(document.get("Properties"), params.get("Properties"), params.get("PropertiesToRemove"),
                              service.max_of(cap_shape), "Properties", "PropertiesToRemove", "An entity")


def _source_matches(own: Document, wanted: Document) -> bool:
    """A DeleteArtifact Source names an artifact by URI (and by its source types when given)."""
    if own["SourceUri"] != wanted["SourceUri"]:
        return False
    types = wanted.get("SourceTypes")
    return types is None or _types(types) == _types(own.get("SourceTypes") or [])


def _types(types: list[Document]) -> list[tuple[str, str]]:
    return sorted((item["SourceIdType"], item["Value"]) for item in types)
