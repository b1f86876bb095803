"""Reaching the workers: scheduler addresses checked before anything runs,
and a scheduler that is not there named as such."""

from __future__ import annotations

import pytest

from autograder.grading.executor import DaskExecutor, ExecutorError, check_scheduler_address
from tests.autograder.dask_cluster import free_port


@pytest.mark.parametrize(
    "address",
    [
        "localhost:8786",
        "tcp://",
        "tcp://host",
        "http://host:8786",
        "tcp://host:port",
        "tcp://h:1/x",
    ],
)
def test_a_bad_address_says_what_is_expected(address):
    with pytest.raises(ExecutorError, match=r"bad scheduler address .*expected tcp://HOST:PORT"):
        check_scheduler_address(address)


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:8786", "tls://grader.example.org:8786"])
def test_a_good_address_passes(address):
    assert check_scheduler_address(address) == address


@pytest.mark.slow
def test_a_scheduler_that_is_not_there_is_named():
    address = f"tcp://127.0.0.1:{free_port()}"
    with pytest.raises(ExecutorError, match=f"cannot reach the Dask scheduler at {address}"):
        DaskExecutor.connect(address)
