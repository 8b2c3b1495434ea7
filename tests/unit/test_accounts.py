"""Hosted mode's accounts in storage: each account sees, changes and deletes only its own profiles.

Runs on SQLite and on a real PostgreSQL server (the ``db_url`` fixture). The screens reach
profiles only through ``ui.profile_repo()`` = ``store.profiles_of(auth.account())``; these tests
try every profile operation across accounts.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from backcheck.auth import LOCAL, account_key
from backcheck.content import load_library
from backcheck.demo import DEMO_NAME, demo_data
from backcheck.painlog import PainEntry
from backcheck.profiles import ProfileError
from backcheck.storage import DEFAULT_PROFILE, Store

ALICE = account_key("http://localhost:9400", "alice")
BOB = account_key("http://localhost:9400", "bob")
MALLORY_ELSEWHERE = account_key("https://other-provider.example", "alice")  # same subject, other issuer


def test_account_key_is_issuer_and_subject_and_needs_both():
    assert ALICE != MALLORY_ELSEWHERE and ALICE != BOB
    for issuer, subject in (("", "alice"), ("http://localhost:9400", ""), ("  ", " ")):
        with pytest.raises(ValueError):
            account_key(issuer, subject)


def test_each_account_starts_with_its_own_profile_and_sees_no_other(db_url):
    store = Store(db_url)
    local = [p.id for p in store.profiles.list()]
    alice, bob = store.profiles_of(ALICE), store.profiles_of(BOB)
    (a_me,) = alice.list_or_start()
    (b_me,) = bob.list_or_start()
    assert a_me.name == b_me.name == DEFAULT_PROFILE and a_me.id != b_me.id  # the same name in two accounts
    assert (a_me.account, b_me.account) == (ALICE, BOB)
    assert [p.id for p in alice.list()] == [a_me.id] and [p.id for p in store.profiles.list()] == local
    assert alice.list_or_start() == [a_me]  # a second visit makes nothing new
    assert store.profiles_of(LOCAL) is store.profiles
    assert store.profiles_of(MALLORY_ELSEWHERE).list() == []  # the same subject at another issuer is nobody known


def test_no_account_reads_renames_or_deletes_anothers_profile(db_url):
    store = Store(db_url)
    alice, bob = store.profiles_of(ALICE), store.profiles_of(BOB)
    (a_me,) = alice.list_or_start()
    a_kid = alice.create("Kid")
    bob.list_or_start()
    store.pain.add(a_kid.id, PainEntry(recorded_at=datetime(2026, 1, 5, 9), pain=3, activity="walking",
                                       location="lower_back"))
    assert bob.get(a_kid.id) is None and alice.get(a_kid.id) == a_kid
    with pytest.raises(ProfileError, match="does not exist"):
        bob.rename(a_kid.id, "Taken over")
    with pytest.raises(ProfileError, match="does not exist"):
        bob.delete(a_kid.id)
    assert alice.get(a_kid.id).name == "Kid" and len(store.pain.all(a_kid.id)) == 1
    assert a_kid.id not in bob.counts() and alice.counts()[a_kid.id].entries == 1
    bob.create("Kid")  # names are unique within an account, not across accounts
    with pytest.raises(ProfileError):
        alice.create("kid")


def test_the_last_profile_and_the_demo_count_per_account(db_url):
    store = Store(db_url)
    alice, bob = store.profiles_of(ALICE), store.profiles_of(BOB)
    (a_me,) = alice.list_or_start()
    bob.list_or_start()
    bob.create("Second")
    with pytest.raises(ProfileError, match="only profile"):
        alice.delete(a_me.id)  # Bob's two profiles do not make Alice's one deletable
    lib = load_library()
    demo = alice.create_demo(DEMO_NAME, demo_data(lib))
    assert demo.account == ALICE and demo.id not in {p.id for p in bob.list()}
    assert bob.remove_demos() == 0 and alice.get(demo.id) is not None  # Bob cannot remove Alice's demo
    alice.delete(a_me.id)
    assert alice.remove_demos() == 1
    (fresh,) = alice.list()  # Alice is never left without a profile
    assert fresh.name == DEFAULT_PROFILE and fresh.account == ALICE
    assert len(bob.list()) == 2
