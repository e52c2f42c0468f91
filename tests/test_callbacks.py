"""No spider callback is a generator that returns a value (Scrapy would drop the value).

Scrapy checks this on every response (``WARN_ON_GENERATOR_RETURN_VALUE``), at a cost of 1-4 ms
each for our callbacks; the project turns that off (crawler/settings.py) and checks here, once,
with Scrapy's own function, every generator method of every spider the project's loader finds."""
from __future__ import annotations

import inspect

from scrapy.spiderloader import SpiderLoader
from scrapy.utils.misc import is_generator_with_return_value
from scrapy.utils.project import get_project_settings


def generator_methods():
    loader = SpiderLoader.from_settings(get_project_settings())
    for name in loader.list():
        cls = loader.load(name)
        for attr, value in inspect.getmembers(cls, inspect.isfunction):
            if inspect.isgeneratorfunction(value):
                yield f"{name}.{attr}", value


def test_no_generator_callback_returns_a_value():
    methods = dict(generator_methods())
    assert any(key.endswith(".parse_article") for key in methods)  # the walk reaches the callbacks
    assert [key for key, fn in methods.items() if is_generator_with_return_value(fn)] == []


def test_the_check_would_catch_one():
    def callback(response):
        yield 1
        return "lost"

    assert is_generator_with_return_value(callback)
