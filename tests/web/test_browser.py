"""The checker page in real headless Chromium (Debian's package, driven by Playwright)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from notalone.settings import Settings
from notalone.web.app import create_app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is missing (make test installs it)", allow_module_level=True)

pytestmark = pytest.mark.browser
KIDNAP = "Anh là công an, em liên quan vụ rửa tiền, tuyệt đối không được cho ai biết"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db')}/n.db"


@pytest.fixture(scope="module")
def base_url(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(Settings(database_url=database, evidence_dir=tmp_path_factory.mktemp("ev"))),
            host="127.0.0.1",
            port=port,
            log_level="warning",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "CI needs Debian's chromium package"
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield b
        b.close()


def test_child_checks_a_message(browser, base_url: str, tmp_path) -> None:
    page = browser.new_page()
    page.goto(base_url + "/")
    page.fill("#text", KIDNAP)
    page.click("#check")
    page.wait_for_selector("#verdict")
    assert page.get_attribute("#severity", "data-severity") in ("high", "critical")
    assert page.locator("#evidence mark").count() >= 2
    assert "111" in page.inner_text("#helplines")
    page.screenshot(path=str(tmp_path / "checker.png"), full_page=True)
    page.close()


def test_switch_to_english_and_clean_message(browser, base_url: str) -> None:
    page = browser.new_page()
    page.goto(base_url + "/")
    page.click("#switch-ui")
    assert page.inner_text("h1") == "Check a message"
    page.fill("#text", "See you at football practice tomorrow!")
    page.click("#check")
    page.wait_for_selector("#verdict")
    assert page.get_attribute("#severity", "data-severity") == "none"
    assert page.locator("#evidence").count() == 0
    page.close()


def test_counsellor_works_a_case_at_the_desk(browser, base_url: str, database: str) -> None:
    from datetime import UTC, datetime

    from notalone import db
    from notalone.accounts.service import create_account

    engine = db.connect(database)
    with db.sessions(engine).begin() as session:
        create_account(session=session, username="lan", password="a long enough password",
                       role="counsellor", organisation="111", now=datetime.now(UTC))  # fmt: skip
    engine.dispose()
    page = browser.new_page()
    page.request.post(base_url + "/v1/reports", data={"text": KIDNAP})
    page.goto(base_url + "/desk")
    assert page.url.startswith(base_url + "/desk/login")
    page.fill("#username", "lan")
    page.fill("#password", "a long enough password")
    page.click("#sign-in")
    page.wait_for_selector("#queue")
    page.click("#queue .case-row a")
    page.wait_for_selector("#facts")
    assert KIDNAP in page.inner_text(".report-text")
    page.click("#take button")
    page.wait_for_selector("#assigned:has-text('lan')")
    page.select_option("#to", "triaged")
    page.click("#apply")
    page.wait_for_selector("#status:has-text('đã phân loại')")
    page.select_option("#to", "closed")
    page.click("#apply")  # closing needs a resolution: refused, explained
    assert "resolution" in page.inner_text("#error")
    page.fill("#note-text", "đã gọi lại cho gia đình")
    page.click("#add-note")
    page.wait_for_selector("#trail:has-text('đã gọi lại cho gia đình')")
    page.click("#logout")
    page.wait_for_selector("#login")
    page.goto(base_url + "/desk")
    assert page.url.startswith(base_url + "/desk/login")
    page.close()
