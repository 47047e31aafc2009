"""The tenant-isolation audit: walks every route and tries organization B's ids as a member of A.

For every URL pattern and every method it compares, as a signed-in member of A:
1. B's slug (and B's ids) against a slug that does not exist (and ids that do not exist);
2. A's slug with B's ids against A's slug with ids that do not exist;
3. A's slug and A's own ids with B's ids in the request body against ids that do not exist.
Each pair must be answered identically (status and body, after masking the ids that were
asked for and per-response CSRF tokens), and none may be a success. B's rows must be
unchanged at the end. Routes the registry does not know are reported too.

`audit_routes` returns a list of problems rather than asserting, so the audit itself can be
tested against deliberately leaky views (test_audit_catches_leaks.py).
"""

import json
import re
from dataclasses import dataclass

from django.apps import apps
from django.core.cache import cache
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from organizations.models import Organization

from .registry import NON_TENANT_PREFIXES, NON_TENANT_ROUTES, TENANT_ROUTES

MISSING_SLUG = "no-such-organization"
MISSING_ID = 2_000_000_000
METHODS = ("get", "post", "put", "patch", "delete")
_CSRF_PATTERNS = [
    re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'),
    re.compile(r'"X-CSRFToken": "[^"]*"'),
]


@dataclass(frozen=True)
class Route:
    name: str | None
    pattern: str
    kwargs: frozenset


def iter_routes(urlconf=None):
    def walk(patterns, prefix, namespace, kwargs):
        for entry in patterns:
            names = kwargs | set(entry.pattern.regex.groupindex)
            if isinstance(entry, URLResolver):
                ns = namespace
                if entry.namespace:
                    ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns, names)
            elif isinstance(entry, URLPattern):
                name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
                yield Route(name=name, pattern=prefix + str(entry.pattern), kwargs=frozenset(names))

    yield from walk(get_resolver(urlconf).url_patterns, "", None, set())


def tenant_snapshot(org):
    """Every row of every tenant table that belongs to org, to prove nothing was written."""
    snapshot = {"organization": list(Organization.objects.filter(pk=org.pk).values())}
    for model in apps.get_models():
        if any(f.name == "organization" and f.is_relation for f in model._meta.fields):
            rows = model.objects.filter(organization_id=org.pk).order_by("pk").values()
            snapshot[model._meta.label] = [_comparable(row) for row in rows]
    return snapshot


def _comparable(row):
    return {k: (bytes(v) if isinstance(v, memoryview) else v) for k, v in row.items()}


def _normalize(response, ids):
    body = response.content.decode(errors="replace")
    for pattern in _CSRF_PATTERNS:
        body = pattern.sub("<csrf>", body)
    for value in sorted({str(i) for i in ids}, key=len, reverse=True):
        body = re.sub(rf"(?<![\w-]){re.escape(value)}(?![\w-])", "<id>", body)
    location = response.get("Location", "")
    for value in ids:
        location = location.replace(str(value), "<id>")
    return response.status_code, location, body


def _request(client, method, url, body):
    cache.clear()  # rate limits and throttles must not make two identical requests differ
    is_api = url.startswith("/api/")
    if method == "get":
        return client.get(url, body or None)
    if is_api:
        return client.generic(method.upper(), url, json.dumps(body or {}), content_type="application/json")
    if method == "post":
        return client.post(url, body or {})
    from urllib.parse import urlencode

    return client.generic(method.upper(), url, urlencode(body or {}), content_type="application/x-www-form-urlencoded")


class Auditor:
    def __init__(self, client, attacker_org, attacker_objects, victim_org, victim_objects, urlconf=None):
        self.client = client
        self.attacker_org, self.attacker_objects = attacker_org, attacker_objects
        self.victim_org, self.victim_objects = victim_org, victim_objects
        self.urlconf = urlconf
        self.problems = []

    def url(self, route, slug, objects, spec):
        kwargs = {"org_slug": slug}
        for kwarg, key in spec.kwargs.items():
            kwargs[kwarg] = objects[key].pk if objects is not None else MISSING_ID
        if "format" in route.kwargs:
            kwargs["format"] = "json"
        return reverse(route.name, kwargs=kwargs, urlconf=self.urlconf)

    def body(self, spec, objects):
        return {f: (objects[key].pk if objects is not None else MISSING_ID) for f, key in spec.body.items()}

    def compare(self, route, method, label, leaked_request, missing_request, ids):
        leaked = _request(self.client, method, *leaked_request)
        missing = _request(self.client, method, *missing_request)
        a, b = _normalize(leaked, ids), _normalize(missing, ids)
        where = f"{method.upper()} {leaked_request[0]} ({route.name}, {label})"
        if a != b:
            self.problems.append(
                f"LEAK {where}: answered {a[0]} {a[1]!r} for another organization's data but "
                f"{b[0]} {b[1]!r} for missing data; bodies differ: {a[2] != b[2]}"
            )
        elif 200 <= leaked.status_code < 300:
            self.problems.append(f"LEAK {where}: another organization's data answered {leaked.status_code}")

    def run(self, methods=METHODS):
        before = tenant_snapshot(self.victim_org)
        for route in iter_routes(self.urlconf):
            if route.name in NON_TENANT_ROUTES or any(route.pattern.startswith(p) for p in NON_TENANT_PREFIXES):
                continue
            if "org_slug" not in route.kwargs:
                self.problems.append(f"UNKNOWN route {route.pattern!r} ({route.name}): register it in registry.py")
                continue
            spec = TENANT_ROUTES.get(route.name)
            unknown_kwargs = route.kwargs - {"org_slug", "format"} - set(spec.kwargs if spec else ())
            if spec is None or unknown_kwargs:
                self.problems.append(
                    f"UNKNOWN tenant route {route.pattern!r} ({route.name}): register it and its kwargs in registry.py"
                )
                continue
            ids = [o.pk for o in self.victim_objects.values()] + [MISSING_ID]
            for method in methods:
                victim_body, missing_body = self.body(spec, self.victim_objects), self.body(spec, None)
                self.compare(
                    route,
                    method,
                    "other organization's slug",
                    (self.url(route, self.victim_org.slug, self.victim_objects, spec), victim_body),
                    (self.url(route, MISSING_SLUG, None, spec), missing_body),
                    ids + [self.victim_org.slug, MISSING_SLUG],
                )
                if spec.kwargs:
                    self.compare(
                        route,
                        method,
                        "other organization's ids",
                        (self.url(route, self.attacker_org.slug, self.victim_objects, spec), victim_body),
                        (self.url(route, self.attacker_org.slug, None, spec), missing_body),
                        ids,
                    )
                if spec.body and method in ("post", "put", "patch"):
                    own_url = self.url(route, self.attacker_org.slug, self.attacker_objects, spec)
                    self._compare_body(route, method, own_url, victim_body, missing_body, ids)
        if tenant_snapshot(self.victim_org) != before:
            self.problems.append(f"WRITE: organization {self.victim_org.slug}'s rows changed during the audit")
        return self.problems

    def _compare_body(self, route, method, url, victim_body, missing_body, ids):
        leaked = _request(self.client, method, url, victim_body)
        missing = _request(self.client, method, url, missing_body)
        if _normalize(leaked, ids) != _normalize(missing, ids):
            self.problems.append(
                f"LEAK {method.upper()} {url} ({route.name}, other organization's ids in the body): "
                f"{leaked.status_code} versus {missing.status_code} for missing ids"
            )


def audit_routes(client, attacker, victim, urlconf=None, methods=METHODS):
    """attacker and victim are (org, users, objects) triples from graph.build_tenant."""
    auditor = Auditor(client, attacker[0], attacker[2], victim[0], victim[2], urlconf=urlconf)
    if urlconf is None:
        return auditor.run(methods)
    with override_settings(ROOT_URLCONF=urlconf):
        return auditor.run(methods)
