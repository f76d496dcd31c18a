"""Fork: a warmed sync wire, then os.fork(); parent and child each get their own answer,
never one meant for the other over a shared pooled socket."""

from __future__ import annotations

import json
import os
import time
import warnings
from collections.abc import Callable

import pytest

from tests.support import EchoServer
from tests.wires.conftest import Caller

pytestmark = pytest.mark.timeout(30)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_parent_and_child_each_get_their_own_answer(make_wire: Callable[..., Caller]) -> None:
    with EchoServer() as server:
        wire = make_wire("urllib3")
        assert wire.send(f"{server.url}/warm").status == 200  # a pooled connection now
        read_end, write_end = os.pipe()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # "multi-threaded, fork()"
            pid = os.fork()
        if pid == 0:  # the child: answer through the pipe, never return into pytest
            code = 1
            try:
                os.close(read_end)
                answers = [
                    json.loads(wire.send(f"{server.url}/c?who=child-{i}", timeout=5).body)
                    for i in range(3)
                ]
                os.write(write_end, json.dumps([a["query"]["who"] for a in answers]).encode())
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        try:
            mine = [
                json.loads(wire.send(f"{server.url}/p?who=parent-{i}", timeout=5).body)
                for i in range(3)
            ]
            assert [a["query"]["who"] for a in mine] == ["parent-0", "parent-1", "parent-2"]
            deadline = time.monotonic() + 15
            while True:
                done, status = os.waitpid(pid, os.WNOHANG)
                if done or time.monotonic() > deadline:
                    break
                time.sleep(0.01)
            if not done:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                pytest.fail("the child did not finish")
            assert os.waitstatus_to_exitcode(status) == 0
            with os.fdopen(read_end, "rb") as pipe:
                theirs = json.loads(pipe.read())
            read_end = -1
            assert theirs == ["child-0", "child-1", "child-2"]
            # the child used connections of its own: the server saw more than the parent's one
            assert len({s.connection for s in server.seen}) >= 2
        finally:
            if read_end != -1:
                os.close(read_end)
