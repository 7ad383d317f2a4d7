"""``python bot.py --console`` as a newcomer runs it: in a real pseudo-terminal.

The terminal UI (nonebot-adapter-console, built on Textual) is drawn into a
pty; pyte plays the terminal and gives the screen back as text, so the test
reads what a person would read, types what a person would type, and quits
with Ctrl+Q as the welcome says.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pyte
import pytest

ROOT = Path(__file__).resolve().parents[1]
ROWS, COLS = 70, 160
CTRL_SLASH, CTRL_Q, CTRL_L = b"\x1f", b"\x11", b"\x0c"


class Terminal:
    """A pty with ``bot.py --console`` in it, and the screen it draws."""

    def __init__(self, env: dict[str, str]) -> None:
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        self.seen = ""
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.master = master
        self.process = subprocess.Popen(
            [sys.executable, "bot.py", "--console"],
            cwd=ROOT,
            env=env,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
        )
        os.close(slave)

    def pump(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            ready, _, _ = select.select([self.master], [], [], min(left, 0.1))
            if not ready:
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:  # the process is gone
                return
            self.stream.feed(data)
            # every frame drawn, joined: a reply may scroll away before we look
            self.seen += self.text().replace(" ", "")

    def text(self) -> str:
        """The screen as lines (pyte's own ``display`` trips on empty cells)."""
        buffer = self.screen.buffer
        return "\n".join(
            "".join(buffer[y][x].data for x in range(COLS)) for y in range(ROWS)
        )

    def wait_for(self, text: str, timeout: float = 30.0) -> None:
        wanted = text.replace(" ", "")
        end = time.monotonic() + timeout
        while wanted not in self.seen:
            if time.monotonic() > end:
                screen = self.text()
                raise AssertionError(f"{text!r} never appeared; the screen:\n{screen}")
            if self.process.poll() is not None:
                raise AssertionError(f"bot.py exited ({self.process.returncode})")
            self.pump(0.2)

    def type(self, text: str) -> None:
        self.seen = ""  # what comes after this line
        os.write(self.master, CTRL_SLASH)  # focus the input, as the footer says
        self.pump(0.3)
        os.write(self.master, text.encode() + b"\r")

    def type_early(self, text: str, attempts: int = 5) -> None:
        """Type ``text`` while the screen may still be mounting: a key pressed
        before the input box exists is lost (seen on a loaded machine), so
        type again until the line shows as the user's message."""
        for _ in range(attempts):
            self.type(text)
            try:
                self.wait_for(text, timeout=15)
                return
            except AssertionError:
                continue
        raise AssertionError(f"{text!r} could not be typed")

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        os.close(self.master)


@pytest.fixture
def terminal(tmp_path: Path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LINLI_", "PYTEST_"))
    }
    env.update(
        TERM="xterm-256color",
        LINLI_CONFIG=str(ROOT / "config/linli.yaml"),  # the shipped file
        LINLI_DATA_DIR=str(tmp_path / "real"),  # the try-out must not use it
        LINLI_CONSOLE_DATA_DIR=str(tmp_path / "console"),
    )
    term = Terminal(env)
    yield term
    term.close()


def test_a_newcomer_tries_linli_in_the_terminal(terminal: Terminal, tmp_path) -> None:
    # typed the moment the input box is drawn (start-up may still be opening
    # the database): it waits for the database and is answered
    terminal.wait_for("Send Message")
    terminal.type_early("/接龙 周日包饺子")
    terminal.wait_for("【接龙】周日包饺子", timeout=120)  # start-up, migrations first

    # the welcome says who you are, where the data goes and how to quit
    terminal.wait_for("你是本群的管理员")
    terminal.wait_for("Ctrl+Q")
    terminal.wait_for(str(tmp_path / "console")[-20:])

    terminal.type("/帮助")
    terminal.wait_for("【试用】")
    terminal.wait_for("【接龙】")
    os.write(terminal.master, CTRL_L)  # clear the chat: new lines stay in view
    terminal.pump(0.5)

    # the try-out user is the group's admin: they may start a sign-up
    terminal.type("/接龙 周六包饺子 上限 5")
    terminal.wait_for("【接龙】周六包饺子")
    terminal.wait_for("剩余名额：5")
    # a join: the terminal has no reactions, so the list follows within seconds
    terminal.type("/接龙 + 2 2人")
    terminal.wait_for("剩余名额：3")

    terminal.type("物业电话是多少？")  # a question from the shipped FAQ
    terminal.wait_for("【物业电话】")

    terminal.type("今天天气不错")  # chat, not addressed to linli: no answer
    terminal.wait_for("今天天气不错")
    terminal.pump(3)
    assert "我还不会回答" not in terminal.seen

    # Ctrl+Q ends linli itself, not only the screen
    os.write(terminal.master, CTRL_Q)
    deadline = time.monotonic() + 20
    while terminal.process.poll() is None and time.monotonic() < deadline:
        terminal.pump(0.2)
    assert terminal.process.returncode == 0

    # the try-out kept its own database; the real data directory is untouched
    assert (tmp_path / "console" / "linli.sqlite3").exists()
    assert not (tmp_path / "real").exists()
