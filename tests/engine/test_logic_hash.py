"""And/or/same nodes hash by value, however often and wherever they are hashed."""

from __future__ import annotations

import copy
import os
import pickle
import subprocess
import sys

from legrules.engine.logic import All, Any, Not, Present, Same


def _tree() -> All:
    return All(Present("leg-pain"), Any(Present("fever"), Not(Same(Present("chills")))))


def test_equal_trees_hash_equal_and_find_each_other() -> None:
    """Two trees built apart are one dictionary key, hashed again or not."""
    first, second = _tree(), _tree()
    assert hash(first) == hash(first) == hash(second)
    assert {first: "kept"}[second] == "kept"
    assert hash(Any(Present("fever"))) != hash(All(Present("fever")))


def test_a_copied_or_unpickled_tree_hashes_as_one_built_in_this_process() -> None:
    """A tree loaded from elsewhere keeps no hash from there (a string's hash is per process)."""
    tree = _tree()
    hash(tree)
    for other in (copy.copy(tree), copy.deepcopy(tree), pickle.loads(pickle.dumps(tree))):
        assert other == tree
        assert hash(other) == hash(tree)
        assert {tree: 1}[other] == 1


def test_a_tree_pickled_in_another_process_is_found_here() -> None:
    """Hashed there (another hash seed), loaded here: still equal to, and found as, this tree."""
    script = (
        "import pickle, sys\n"
        "from legrules.engine.logic import All, Any, Not, Present, Same\n"
        "tree = All(Present('leg-pain'), Any(Present('fever'), Not(Same(Present('chills')))))\n"
        "hash(tree)\n"
        "sys.stdout.buffer.write(pickle.dumps(tree))\n"
    )
    made = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
    )
    loaded = pickle.loads(made.stdout)
    assert loaded == _tree()
    assert {_tree(): "here"}[loaded] == "here"
