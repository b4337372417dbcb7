"""The saved model's digest: `load_model` reads the large JSON only when the model changed."""

from __future__ import annotations

import json
from pathlib import Path

from identity_graph.erasure import forget_names_in_model
from identity_graph.resolve.training import DIGEST_KEY, META_KEY, load_model, model_digest, save_model
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore
from matchers.model import MatchModel
from tests.resolve.conftest import fixed_model, load, person


class CountingStore(SQLiteStore):
    """The real store, counting which meta keys are read."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.reads: list[str] = []

    def get_meta(self, key: str) -> str | None:
        """Count, then read."""
        self.reads.append(key)
        return super().get_meta(key)


def _with_tf(model: MatchModel, names: dict[str, int]) -> MatchModel:
    """The model with a last-name frequency table (what makes the saved JSON large)."""
    return model.model_copy(update={"tf": {**model.tf, "last": names}})


def test_save_writes_the_digest_of_the_json(store: SQLiteStore, settings: Settings) -> None:
    save_model(store, fixed_model(settings))
    text = store.get_meta(META_KEY)
    assert text is not None and json.loads(text)["comparisons"]  # still the versioned JSON
    assert store.get_meta(DIGEST_KEY) == model_digest(text)
    assert len(model_digest(text)) == 16


def test_an_unchanged_model_is_not_read_again(tmp_path: Path, settings: Settings) -> None:
    with CountingStore(tmp_path / "c.db") as store:
        save_model(store, _with_tf(fixed_model(settings), {"stone": 3, "okafor": 1}))
        first = load_model(store, settings.matching)
        store.reads.clear()
        for _ in range(5):
            assert load_model(store, settings.matching) is first
        assert store.reads == [DIGEST_KEY] * 5


def test_a_new_model_is_seen_at_once(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "c.db"
    with CountingStore(path) as reader, SQLiteStore(path) as writer:
        save_model(writer, _with_tf(fixed_model(settings), {"stone": 3}))
        old = load_model(reader, settings.matching)
        assert old is not None and old.tf["last"] == {"stone": 3}
        save_model(writer, _with_tf(fixed_model(settings), {"stone": 3, "novak": 2}))
        new = load_model(reader, settings.matching)
        assert new is not None and new is not old and new.tf["last"] == {"stone": 3, "novak": 2}


def test_a_store_saved_before_digests_still_loads(store: SQLiteStore, settings: Settings) -> None:
    store.set_meta(META_KEY, _with_tf(fixed_model(settings), {"iyer": 4}).to_json())
    model = load_model(store, settings.matching)
    assert model is not None and model.tf["last"] == {"iyer": 4}
    assert store.get_meta(DIGEST_KEY) is None


def test_erasure_changes_the_digest_with_the_model(store: SQLiteStore, settings: Settings, tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "gone.db") as elsewhere:  # the erased record: no longer in `store`
        ids = load(elsewhere, [person("1", "Zed", "Quillfeather", phones=["+14155550101"])], settings, model=False)
        erased = elsewhere.get_records(ids)
    save_model(store, _with_tf(fixed_model(settings), {"quillfeather": 1, "stone": 5}))
    before = load_model(store, settings.matching)
    assert before is not None and "quillfeather" in before.tf["last"]
    assert forget_names_in_model(store, erased) == 1
    after = load_model(store, settings.matching)
    text = store.get_meta(META_KEY)
    assert text is not None and store.get_meta(DIGEST_KEY) == model_digest(text)
    assert after is not None and after.tf["last"] == {"stone": 5}
