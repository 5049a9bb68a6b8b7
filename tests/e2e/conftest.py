"""Fixtures the browser tests share: one chromium per module, a fresh page per test."""

from __future__ import annotations

import pytest
from support.site import chromium


@pytest.fixture(scope="module")
def browser():
    with chromium() as context:
        yield context


@pytest.fixture
def page(browser):
    page = browser.new_page()
    yield page
    page.close()
