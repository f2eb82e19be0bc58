"""An insider with read access to the live database (system columns and physical order
included) and to the logs, trying to tie the ballots of a secret poll to the households that
cast them.

The insider knows the schema but is not told where choices live: every row of every table is
searched for a value shaped like a ballot's choices (a JSON object keyed by the poll's question
ids), whatever the column. Each attack returns {household id: the choices it attributes to that
household}; tests/test_ballot_secrecy.py compares that with what each household really voted.
"""
import hashlib
import itertools
import json
import re
from dataclasses import dataclass, field

from sqlalchemy import inspect, text

CODE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
HEX64 = re.compile(r"^[0-9a-f]{64}$")
SYSTEM = ("_ctid", "_xmin", "_rowid")


def _position(row):
    """Where the row sits in its table's storage: PostgreSQL's (page, item), SQLite's rowid."""
    if "_ctid" in row:
        page, item = row["_ctid"].strip("()").split(",")
        return int(page), int(item)
    return row["_rowid"]


def read_everything(connection):
    """{table: [row dicts]} with the system columns an insider can select."""
    postgres = connection.dialect.name == "postgresql"
    tables = {}
    for name in inspect(connection).get_table_names():
        system = 'ctid::text AS "_ctid", xmin::text AS "_xmin"' if postgres else 'rowid AS "_rowid"'
        tables[name] = [dict(row._mapping) for row in connection.execute(text(f'SELECT {system}, * FROM "{name}"'))]
    return tables


def _choices_in(value, keys):
    """Every ballot-shaped object inside `value` (a column's value, JSON text included)."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            value = json.loads(value)
        except ValueError:
            return []
    if isinstance(value, dict):
        if set(value) == keys and all(isinstance(v, list) and all(isinstance(i, int) for i in v)
                                      for v in value.values()):
            return [value]
        return [found for v in value.values() for found in _choices_in(v, keys)]
    if isinstance(value, list):
        return [found for v in value for found in _choices_in(v, keys)]
    return []


@dataclass
class Insider:
    tables: dict
    poll_id: int
    logs: str = ""
    opener: object = None  # with the server's keys: opener(row, value) → the plaintext of a sealed value, or None
    questions: list = field(init=False)  # [(question id, number of options)]
    households: dict = field(init=False)  # user id → household id (members of the electorate)
    choice_rows: list = field(init=False)  # [(table, row, choices)]

    def __post_init__(self):
        questions = sorted((q for q in self.tables["poll_questions"] if q["poll_id"] == self.poll_id),
                           key=lambda q: q["position"])
        self.questions = [(q["id"], len(q["options"] if isinstance(q["options"], list) else json.loads(q["options"])))
                          for q in questions]
        keys = {str(question_id) for question_id, _n in self.questions}
        self.electors = [e for e in self.tables["poll_electors"] if e["poll_id"] == self.poll_id]
        electorate = {e["household_id"] for e in self.electors}
        self.households = {m["user_id"]: m["household_id"] for m in self.tables["household_members"]
                           if m["household_id"] in electorate}
        self.choice_rows = []
        for table, rows in self.tables.items():
            for row in rows:
                for name, value in row.items():
                    if self.opener is not None and name not in SYSTEM:
                        value = self.opener(row, value) or value
                    found = _choices_in(value, keys) if name not in SYSTEM else []
                    if found:
                        self.choice_rows.append((table, row, found[0]))
                        break

    # ---- who a row names -------------------------------------------------------------------

    def household_named_by(self, row):
        household_id = row.get("household_id")
        if household_id in {e["household_id"] for e in self.electors}:
            return household_id
        for column in ("user_id", "actor_id"):
            if row.get(column) in self.households:
                return self.households[row[column]]
        return None

    def _naming_rows(self):
        return [(table, row, household) for table, rows in self.tables.items() for row in rows
                if (household := self.household_named_by(row)) is not None]

    # ---- the attacks ---------------------------------------------------------------------------

    def same_row(self):
        """A row that holds choices and names a voter (a stored response, a notice, an audit line)."""
        return {household: choices for _table, row, choices in self.choice_rows
                if (household := self.household_named_by(row)) is not None}

    def same_transaction(self):
        """PostgreSQL stamps every row version with the transaction that wrote it (xmin): a
        ballot written in the transaction that marked its household as having voted."""
        by_xmin = {}
        for _table, row, household in self._naming_rows():
            if "_xmin" in row:
                by_xmin.setdefault(row["_xmin"], set()).add(household)
        links = {}
        for _table, row, choices in self.choice_rows:
            households = by_xmin.get(row.get("_xmin"), set())
            if len(households) == 1:
                links[next(iter(households))] = choices
        return links

    def orderings(self):
        """Choice rows in storage order, and by every sequence or time column, laid against
        the households in the order they were marked as having voted (and, on PostgreSQL, in
        the order of the transactions that marked them)."""
        voted = [e for e in self.electors if e["voted_at"] is not None]
        voter_orders = {"voted_at": [e["household_id"] for e in sorted(voted, key=lambda e: str(e["voted_at"]))]}
        if voted and "_xmin" in voted[0]:
            voter_orders["elector xmin"] = [e["household_id"] for e in sorted(voted, key=lambda e: int(e["_xmin"]))]
        by_table = {}
        for table, row, choices in self.choice_rows:
            by_table.setdefault(table, []).append((row, choices))
        attacks = {}
        for table, rows in by_table.items():
            keys = {"storage order": _position}
            if "_xmin" in rows[0][0]:
                keys["xmin"] = lambda row: int(row["_xmin"])
            for column, value in rows[0][0].items():
                if column not in SYSTEM and isinstance(value, int) and not isinstance(value, bool):
                    keys[column] = lambda row, column=column: row[column]
                elif column not in SYSTEM and hasattr(value, "isoformat"):
                    keys[column] = lambda row, column=column: str(row[column])
            for key_name, key in keys.items():
                ordered = [choices for _row, choices in sorted(rows, key=lambda pair: key(pair[0]))]
                for voter_name, households in voter_orders.items():
                    attacks[f"{table} by {key_name} ~ {voter_name}"] = dict(zip(households, ordered))
        return attacks

    def shared_codes(self):
        """A code stored beside the choices (a receipt, a tracker, a key) that also stands in a
        row naming a voter."""
        codes = {}
        for _table, row, choices in self.choice_rows:
            for name, value in row.items():
                if name not in SYSTEM and isinstance(value, str) and CODE.match(value):
                    codes[value] = choices
        links = {}
        for _table, row, household in self._naming_rows():
            flat = json.dumps({k: v for k, v in row.items() if k not in SYSTEM}, default=str, ensure_ascii=False)
            for code, choices in codes.items():
                if code in flat:
                    links[household] = choices
        return links

    def request_hashes(self):
        """A digest of the request stored with the voter (idempotency): hash every possible
        ballot the way the phone would send it, and look it up."""
        path = f"POST /api/v1/polls/{self.poll_id}/ballots\n"
        candidates = {}
        for picks in itertools.product(*(range(n) for _id, n in self.questions)):
            answers = [{"question_id": question_id, "choices": [pick]}
                       for (question_id, _n), pick in zip(self.questions, picks)]
            choices = {str(question_id): [pick] for (question_id, _n), pick in zip(self.questions, picks)}
            for body in (json.dumps({"answers": answers}), json.dumps({"answers": answers}, separators=(",", ":"))):
                candidates[hashlib.sha256((path + body).encode()).hexdigest()] = choices
        links = {}
        for _table, row, household in self._naming_rows():
            for name, value in row.items():
                if name not in SYSTEM and isinstance(value, str) and HEX64.match(value) and value in candidates:
                    links[household] = candidates[value]
        return links

    def codes_in_logs(self):
        """Codes stored beside the choices that reached the logs (with the client's address)."""
        return {value for _table, row, _choices in self.choice_rows for name, value in row.items()
                if name not in SYSTEM and isinstance(value, str) and CODE.match(value) and value in self.logs}

    def attacks(self):
        """{attack name: {household id: choices}}; every attack this insider knows."""
        return {"same row": self.same_row(), "same transaction": self.same_transaction(),
                "shared codes": self.shared_codes(), "request hashes": self.request_hashes(),
                **self.orderings()}
