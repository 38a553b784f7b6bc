"""Every endpoint the project serves: the URL patterns (walked through the resolver) and the
operations of the OpenAPI document."""

import re

from django.urls import URLPattern, URLResolver, get_resolver

from .matrix import GROUPS


def url_patterns(resolver=None, prefix="", namespaces=()):
    """(key, route) of every URL pattern: key is `namespace:name`, or the full route when the
    pattern has no name; patterns of a group (GROUPS) all have the group's key."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from url_patterns(
                pattern, route, namespaces + ((pattern.namespace,) if pattern.namespace else ())
            )
        else:
            assert isinstance(pattern, URLPattern)
            key = ":".join((*namespaces, pattern.name)) if pattern.name else route
            for group, (group_prefix, _reason) in GROUPS.items():
                if route.startswith(group_prefix):
                    key = group
            yield key, route


def openapi_template(route: str) -> str:
    """`api/v1/reports/<code>` → `/api/v1/reports/{code}`, as the OpenAPI document writes it."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def openapi_operations(schema: dict):
    """(path, METHOD, operationId) of every operation in the OpenAPI document."""
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete", "head", "options"):
                yield path, method.upper(), operation.get("operationId", "")


def missing_patterns(table: dict, excluded: dict, resolver=None) -> list[str]:
    """Keys of URL patterns with neither an entry in the matrix nor an explicit exclusion."""
    served = {key for key, _route in url_patterns(resolver)}
    return sorted(served - set(table) - set(excluded))


def stale_entries(table: dict, excluded: dict, resolver=None) -> list[str]:
    """Matrix entries and exclusions that name no URL pattern any more."""
    served = {key for key, _route in url_patterns(resolver)}
    return sorted((set(table) | set(excluded)) - served)


def missing_operations(schema: dict, table: dict, resolver=None) -> list[str]:
    """OpenAPI operations whose path has no matrix case with the operation's method."""
    routes = {}
    for key, route in url_patterns(resolver):
        routes.setdefault(openapi_template(route), set()).add(key)
    missing = []
    for path, method, operation_id in openapi_operations(schema):
        methods = {
            case.method for key in routes.get(path, ()) if key in table for case in table[key].cases
        }
        if method not in methods:
            missing.append(f"{method} {path} ({operation_id})")
    return missing
