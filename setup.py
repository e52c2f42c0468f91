"""Build shim for ``scrapyd-deploy`` (scrapyd-client), which runs ``python setup.py bdist_egg``.

Without a setup.py, scrapyd-deploy writes its own, with ``find_packages()`` and no package data:
the egg would carry ``tests`` and ``bench`` and lack ``crawler/extraction/data/*.json``. Everything
(name, packages, package data, the ``scrapy`` entry point scrapyd reads the settings module from)
is declared once, in pyproject.toml; this file only hands over to setuptools.
"""
from setuptools import setup

setup()
