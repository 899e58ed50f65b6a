"""An in-memory stand-in for the parts of ``opensearchpy.OpenSearch`` the reindex uses (a test helper).

It stores documents, indices and aliases and answers the calls ``indexer.opensearch.cluster``
makes, with responses shaped as the OpenSearch REST documentation gives them.
It does no text analysis and no scoring: searching is the live contract suite's
job (``tests/test_contract.py``), against a real node.
"""

from __future__ import annotations

import fnmatch
import json

from opensearchpy.exceptions import ConflictError, NotFoundError
from opensearchpy.serializer import JSONSerializer


class _Indices:
    def __init__(self, cluster: FakeCluster):
        self.c = cluster

    def exists(self, index):
        return index in self.c.docs

    def create(self, index, body=None):
        self.c.docs[index] = {}
        self.c.settings[index] = body or {}

    def delete(self, index, ignore_unavailable=False):
        self.c.docs.pop(index, None)
        self.c.aliases = {a: i for a, i in self.c.aliases.items() if i != index}

    def exists_alias(self, name):
        return name in self.c.aliases

    def get_alias(self, name):
        return {self.c.aliases[name]: {"aliases": {name: {}}}}

    def get(self, index, **_):
        return {n: {} for n in self.c.docs if fnmatch.fnmatch(n, index)}

    def update_aliases(self, body):
        self.c.alias_calls.append(body["actions"])
        for action in body["actions"]:
            (kind, spec), = action.items()
            if kind == "add":
                self.c.aliases[spec["alias"]] = spec["index"]

    def refresh(self, index):
        self.c.refreshed.append(index)


class FakeCluster:
    """Documents by index; ``reject`` maps an id to the status its bulk item gets (once for 429)."""

    def __init__(self):
        self.docs: dict[str, dict[str, dict]] = {}
        self.settings: dict[str, dict] = {}
        self.aliases: dict[str, str] = {}
        self.alias_calls: list = []
        self.refreshed: list[str] = []
        self.reject: dict[str, int] = {}
        self.bulk_calls = 0
        self.fail_on_bulk: int | None = None  # raise on this bulk call (a crash mid-reindex)
        self.versions: dict[tuple[str, str], dict] = {}  # (index, id) -> _seq_no, _primary_term
        self.seq_no, self.primary_term = 0, 1
        self.indices = _Indices(self)
        self.transport = type("Transport", (), {"serializer": JSONSerializer()})()

    def _name(self, index: str) -> str:
        return self.aliases.get(index, index)

    # -- documents -------------------------------------------------------------
    def index(self, index, id, body, op_type="index", refresh=None, if_seq_no=None, if_primary_term=None, **_):
        docs = self.docs.setdefault(index, {})
        if op_type == "create" and id in docs:
            raise ConflictError(409, "version_conflict_engine_exception", {})
        self._check_version(index, id, if_seq_no, if_primary_term)
        docs[id] = body
        return {"result": "created", "_id": id, **self._written(index, id)}

    def get(self, index, id, ignore=()):
        docs = self.docs.get(self._name(index), {})
        if id not in docs:
            if 404 in ignore:
                return {"found": False}
            raise NotFoundError(404, "not_found", {})
        return {"found": True, "_source": docs[id], **self.versions[(self._name(index), id)]}

    def delete(self, index, id, refresh=None, if_seq_no=None, if_primary_term=None):
        self._check_version(self._name(index), id, if_seq_no, if_primary_term)
        self.docs[self._name(index)].pop(id, None)
        self._written(self._name(index), id)

    # -- optimistic concurrency (OpenSearch's if_seq_no / if_primary_term) ------
    def _written(self, index: str, id: str) -> dict:
        """Every write takes the next sequence number (one shard, one primary term)."""
        self.seq_no += 1
        self.versions[(index, id)] = {"_seq_no": self.seq_no, "_primary_term": self.primary_term}
        return self.versions[(index, id)]

    def _check_version(self, index: str, id: str, if_seq_no, if_primary_term) -> None:
        """A conditional write succeeds only on the version it names, as the REST API's 409 says."""
        if if_seq_no is None and if_primary_term is None:
            return
        held = self.versions.get((index, id)) if id in self.docs.get(index, {}) else None
        if held != {"_seq_no": if_seq_no, "_primary_term": if_primary_term}:
            raise ConflictError(409, "version_conflict_engine_exception",
                                {"error": {"reason": f"[{id}]: version conflict, required seqNo [{if_seq_no}]"}})

    def count(self, index):
        return {"count": len(self.docs[self._name(index)])}

    def bulk(self, body, **_):
        self.bulk_calls += 1
        if self.fail_on_bulk == self.bulk_calls:
            raise ConnectionError("the cluster went away")
        lines = [json.loads(line) for line in body.splitlines() if line.strip()]
        items, errors, i = [], False, 0
        while i < len(lines):
            (op, meta), = lines[i].items()
            doc_id, index = meta["_id"], meta["_index"]
            status = self.reject.get(doc_id, 200)
            if status == 429:
                self.reject.pop(doc_id)  # accepted when retried
            if status == 200 and op == "index":
                self.docs[index][doc_id] = lines[i + 1]
                self._written(index, doc_id)
            elif status == 200 and op == "delete":
                self.docs[index].pop(doc_id, None)
                self._written(index, doc_id)
            result = {"_id": doc_id, "_index": index, "status": status}
            if status != 200:
                errors = True
                result["error"] = {"type": "rejected" if status == 429 else "mapper_parsing_exception",
                                   "reason": "test rejection"}
            items.append({op: result})
            i += 2 if op == "index" else 1
        return {"took": 1, "errors": errors, "items": items}

    def search(self, index, body):
        """Only what ``_known_items`` asks: match_all sorted by id, search_after, size."""
        docs = sorted(self.docs[self._name(index)].items())
        after = body.get("search_after", [None])[0]
        rows = [(i, d) for i, d in docs if after is None or i > after][: body["size"]]
        return {"hits": {"hits": [{"_id": i, "_source": d, "sort": [i]} for i, d in rows]}}
