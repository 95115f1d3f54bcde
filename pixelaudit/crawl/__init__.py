"""Crawling whole sites: the pure, browser-free core.

- ``urls``: normalisation, scope (host or registrable domain) and --include/--exclude filters;
- ``frontier``: the deterministic breadth-first queue with crawl-trap guards and resumable state;
- ``discover``: robots.txt rules and ``Sitemap:`` lines, sitemap and sitemap-index parsing.

Fetching and rendering live elsewhere; these modules only decide what to visit and in which order.
"""
