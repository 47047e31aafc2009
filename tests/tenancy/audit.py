"""The tenant-isolation audit: walks every route and tries organization B's ids as a member of A.

For every URL pattern and every method (HEAD and OPTIONS included) it compares, as a
signed-in member of A:
1. B's slug (and B's ids) against a slug that does not exist (and ids that do not exist);
2. A's slug with B's ids against A's slug with ids that do not exist;
3. on GET and HEAD, A's slug and A's own ids with B's ids in the query string (API filters
   such as `?manager=`) against ids that do not exist;
4. on POST, PUT and PATCH, A's slug and A's own ids with B's ids in an otherwise valid body
   against ids that do not exist.
Each pair must be answered identically (status, Location, Allow and body, after masking the
ids that were asked for, ids of rows the requests created, and per-response CSRF tokens). In
checks 1 and 2 neither may be a success either (OPTIONS aside: it describes the endpoint);
on A's own URL (3 and 4) a success is fine as long as both ids get it. B's rows must be
unchanged at the end, and no row of A may point at a row of another organization. Routes the
registry does not know are reported too, and so are API foreign-key filters it was not told
about.

The body check (4) writes to A's own data for real when the body is valid. Each of its two
requests therefore runs in a savepoint that is rolled back, with the client's cookies put back
after it, so both start from the same state (no flash message or row of the first one seen by
the second); what such a request wrote is checked before the rollback.

`audit_routes` returns a list of problems rather than asserting, so the audit itself can be
tested against deliberately leaky views (test_audit_catches_leaks.py).
"""

import copy
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_save
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_filters.filters import QuerySetRequestMixin
from django_filters.rest_framework import DjangoFilterBackend

from organizations.models import Organization

from ..cache import clear_test_cache
from . import registry

MISSING_SLUG = "no-such-organization"
MISSING_ID = 2_000_000_000
METHODS = ("get", "head", "options", "post", "put", "patch", "delete")
READ_METHODS = ("get", "head", "options")
QUERY_METHODS = ("get", "head")
BODY_METHODS = ("post", "put", "patch")
_CSRF_PATTERNS = [
    re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'),
    re.compile(r'"X-CSRFToken": "[^"]*"'),
]


@dataclass(frozen=True)
class Route:
    name: str | None
    namespace: str | None
    pattern: str
    kwargs: frozenset
    callback: object = None


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
                yield Route(
                    name=name,
                    namespace=namespace,
                    pattern=prefix + str(entry.pattern),
                    kwargs=frozenset(names),
                    callback=entry.callback,
                )

    yield from walk(get_resolver(urlconf).url_patterns, "", None, set())


def _tenant_models():
    return [m for m in apps.get_models() if any(f.name == "organization" and f.is_relation for f in m._meta.fields)]


def tenant_snapshot(org):
    """Every row of every tenant table that belongs to org, to prove nothing was written."""
    snapshot = {"organization": list(Organization.objects.filter(pk=org.pk).values())}
    for model in _tenant_models():
        rows = model.objects.filter(organization_id=org.pk).order_by("pk").values()
        snapshot[model._meta.label] = [_comparable(row) for row in rows]
    return snapshot


def cross_tenant_references(org):
    """Rows of org whose foreign keys point at another organization's rows: a write that leaked."""
    tenant_models = set(_tenant_models())
    found = []
    for model in tenant_models:
        for fk in model._meta.fields:
            if fk.is_relation and fk.name != "organization" and fk.related_model in tenant_models:
                elsewhere = fk.related_model.objects.exclude(organization_id=org.pk).values("pk")
                rows = model.objects.filter(organization_id=org.pk, **{f"{fk.attname}__in": elsewhere})
                found += [f"{model._meta.label} {pk}.{fk.name}" for pk in rows.values_list("pk", flat=True)]
    return found


def _comparable(row):
    return {k: (bytes(v) if isinstance(v, memoryview) else v) for k, v in row.items()}


def _mask(text, ids):
    for value in sorted({str(i) for i in ids}, key=len, reverse=True):
        text = re.sub(rf"(?<![\w-]){re.escape(value)}(?![\w-])", "<id>", text)
    return text


def _is_json(response):
    return response.get("Content-Type", "").startswith("application/json")


def _normalize(response, ids):
    body = response.content.decode(errors="replace")
    for pattern in _CSRF_PATTERNS:
        body = pattern.sub("<csrf>", body)
    return response.status_code, _mask(response.get("Location", ""), ids), response.get("Allow", ""), _mask(body, ids)


def _describe(normalized):
    status, location, allow = (*normalized, "", "")[:3]
    return f"{status}" + (f" Location: {location}" if location else "") + (f" Allow: {allow}" if allow else "")


def _request(client, method, url, body=None, query=None):
    clear_test_cache()  # rate limits and throttles must not make two identical requests differ
    if query:
        url = f"{url}?{urlencode(query)}"
    if method in READ_METHODS:
        return getattr(client, method)(url)
    if url.startswith("/api/"):
        return client.generic(method.upper(), url, json.dumps(body or {}), content_type="application/json")
    if method == "post":
        return client.post(url, body or {})
    return client.generic(method.upper(), url, urlencode(body or {}), content_type="application/x-www-form-urlencoded")


@contextmanager
def _collect_created_ids():
    """The primary keys of rows saved for the first time meanwhile (they differ per request)."""
    new_ids = set()

    def on_save(sender, instance, created, **kwargs):
        if created:
            new_ids.add(instance.pk)

    post_save.connect(on_save, weak=False, dispatch_uid="tenancy-audit-created")
    try:
        yield new_ids
    finally:
        post_save.disconnect(dispatch_uid="tenancy-audit-created")


def unregistered_fk_filters(route, spec):
    """Foreign-key query-string filters of a DRF view that the route's `query` does not name."""
    view_class = getattr(route.callback, "cls", None)
    queryset = getattr(view_class, "queryset", None)
    if view_class is None or queryset is None:
        return []
    view = view_class(**getattr(route.callback, "initkwargs", {}))
    missing = []
    for backend in getattr(view_class, "filter_backends", ()):
        if not issubclass(backend, DjangoFilterBackend):
            continue
        filterset_class = backend().get_filterset_class(view, queryset)
        for name, filter_ in getattr(filterset_class, "base_filters", {}).items():
            if isinstance(filter_, QuerySetRequestMixin) and name not in spec.query:
                missing.append(name)
    return missing


class Auditor:
    def __init__(
        self, client, attacker_org, attacker_objects, victim_org, victim_objects, urlconf=None, tenant_routes=None
    ):
        self.client = client
        self.attacker_org, self.attacker_objects = attacker_org, attacker_objects
        self.victim_org, self.victim_objects = victim_org, victim_objects
        self.urlconf = urlconf
        self.tenant_routes = registry.TENANT_ROUTES if tenant_routes is None else tenant_routes
        self.problems = []
        self.victim_before = None

    # --- building requests ------------------------------------------------------------
    def url(self, route, slug, objects, spec):
        kwargs = {"org_slug": slug, **spec.fixed}
        for kwarg, key in spec.kwargs.items():
            kwargs[kwarg] = objects[key].pk if objects is not None else MISSING_ID
        if "format" in route.kwargs:
            kwargs["format"] = "json"
        return reverse(route.name, kwargs=kwargs, urlconf=self.urlconf)

    def ids(self, fields, objects):
        """Field -> id of the graph object it names, or the missing id when objects is None."""
        return {f: (objects[key].pk if objects is not None else MISSING_ID) for f, key in fields.items()}

    def body(self, spec, objects):
        base = spec.base_body(self.attacker_objects) if callable(spec.base_body) else spec.base_body
        return {**base, **self.ids(spec.body, objects)}

    # --- comparing answers ------------------------------------------------------------
    def compare(self, route, method, label, leaked, missing, ids, *, own_url=False):
        """leaked and missing are (url, body, query); both answers must be the same refusal.

        On A's own URL (own_url) a success is no leak: a list filtered by an unknown id may
        rightly answer 200 with nothing in it, as long as it does so for both ids.
        """
        a = _normalize(_request(self.client, method, *leaked), ids)
        b = _normalize(_request(self.client, method, *missing), ids)
        where = f"{method.upper()} {leaked[0]} ({route.name}, {label})"
        self._judge(where, a, b)
        # OPTIONS describes the endpoint and may answer 200 for any id; identical is enough there.
        if a == b and 200 <= a[0] < 300 and method != "options" and not own_url:
            self.problems.append(f"LEAK {where}: another organization's data answered {a[0]}")

    def _judge(self, where, a, b):
        if a != b:
            self.problems.append(
                f"LEAK {where}: answered {_describe(a)} for another organization's data but "
                f"{_describe(b)} for missing data; bodies differ: {a[3:] != b[3:]}"
            )

    def compare_body(self, route, method, url, victim_body, missing_body, ids):
        """Check 4: on A's own URL, so a valid body may really write; each request is isolated."""
        leaked, leaked_created = self._isolated(route, method, url, victim_body)
        missing, missing_created = self._isolated(route, method, url, missing_body)
        ids = [*ids, *leaked_created, *missing_created]
        a, b = _normalize(leaked, ids), _normalize(missing, ids)
        if all(_is_json(r) and 200 <= r.status_code < 300 for r in (leaked, missing)):
            # Both ids were accepted, so the JSON describes two writes (new ids, timestamps):
            # what each wrote was checked before its rollback; the status must agree.
            a, b = a[:1], b[:1]
        # A success is no leak here: the URL is A's own, and an HTML form answers 200 with errors.
        self._judge(f"{method.upper()} {url} ({route.name}, other organization's ids in the body)", a, b)

    def _isolated(self, route, method, url, body):
        cookies = copy.deepcopy(self.client.cookies)
        with transaction.atomic(), _collect_created_ids() as created:
            response = _request(self.client, method, url, body)
            where = f"{method.upper()} {url} ({route.name}) with body {body}"
            if tenant_snapshot(self.victim_org) != self.victim_before:
                self.problems.append(f"WRITE {where}: organization {self.victim_org.slug}'s rows changed")
            for reference in cross_tenant_references(self.attacker_org):
                self.problems.append(f"WRITE {where}: {reference} points at another organization's row")
            transaction.set_rollback(True)
        self.client.cookies = cookies
        return response, created

    # --- the walk ---------------------------------------------------------------------
    def spec_for(self, route):
        """The route's TenantRoute; None (with a problem noted) when it is not to be audited."""
        top_namespace = (route.namespace or "").split(":")[0]
        if route.name in registry.NON_TENANT_ROUTES or top_namespace in registry.NON_TENANT_NAMESPACES:
            return None
        if "org_slug" not in route.kwargs:
            self.problems.append(f"UNKNOWN route {route.pattern!r} ({route.name}): register it in registry.py")
            return None
        spec = self.tenant_routes.get(route.name)
        known = {*spec.kwargs, *spec.fixed} if spec else set()
        unknown_kwargs = route.kwargs - {"org_slug", "format"} - known
        if spec is None or unknown_kwargs:
            self.problems.append(
                f"UNKNOWN tenant route {route.pattern!r} ({route.name}): register it and its kwargs in registry.py"
            )
            return None
        for name in unregistered_fk_filters(route, spec):
            self.problems.append(
                f"UNKNOWN filter {name!r} on {route.pattern!r} ({route.name}): "
                f"register query={{{name!r}: <graph key>}} in registry.py"
            )
        return spec

    def run(self, methods=METHODS):
        self.victim_before = tenant_snapshot(self.victim_org)
        victim, attacker = self.victim_objects, self.attacker_objects
        for route in iter_routes(self.urlconf):
            spec = self.spec_for(route)
            if spec is None:
                continue
            ids = [o.pk for o in victim.values()] + [MISSING_ID]
            victim_query, missing_query = self.ids(spec.query, victim), self.ids(spec.query, None)
            victim_body, missing_body = self.body(spec, victim), self.body(spec, None)
            for method in methods:
                self.compare(
                    route,
                    method,
                    "other organization's slug",
                    (self.url(route, self.victim_org.slug, victim, spec), victim_body, victim_query),
                    (self.url(route, MISSING_SLUG, None, spec), missing_body, missing_query),
                    ids + [self.victim_org.slug, MISSING_SLUG],
                )
                if spec.kwargs:
                    self.compare(
                        route,
                        method,
                        "other organization's ids",
                        (self.url(route, self.attacker_org.slug, victim, spec), victim_body, victim_query),
                        (self.url(route, self.attacker_org.slug, None, spec), missing_body, missing_query),
                        ids,
                    )
                own_url = self.url(route, self.attacker_org.slug, attacker, spec)
                if spec.query and method in QUERY_METHODS:
                    self.compare(
                        route,
                        method,
                        "other organization's ids in the query string",
                        (own_url, None, victim_query),
                        (own_url, None, missing_query),
                        ids,
                        own_url=True,
                    )
                if spec.body and method in BODY_METHODS:
                    self.compare_body(route, method, own_url, victim_body, missing_body, ids)
        if tenant_snapshot(self.victim_org) != self.victim_before:
            self.problems.append(f"WRITE: organization {self.victim_org.slug}'s rows changed during the audit")
        for reference in cross_tenant_references(self.attacker_org):
            self.problems.append(f"WRITE: {reference} points at another organization's row")
        return self.problems


def audit_routes(client, attacker, victim, urlconf=None, methods=METHODS, tenant_routes=None):
    """attacker and victim are (org, users, objects) triples from graph.build_tenant."""
    auditor = Auditor(
        client, attacker[0], attacker[2], victim[0], victim[2], urlconf=urlconf, tenant_routes=tenant_routes
    )
    if urlconf is None:
        return auditor.run(methods)
    with override_settings(ROOT_URLCONF=urlconf):
        return auditor.run(methods)
