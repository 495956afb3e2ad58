"""The SSRF guard: the fetcher reaches only public addresses on ports 80/443, and exactly the address it checked.

`check_url` refuses what can be told from the URL alone (scheme, userinfo, port, denied domain); `check_address`
refuses every address that is not public (loopback, private, link-local with 169.254.169.254, CGNAT, multicast,
reserved, unspecified; IPv4-mapped, 6to4 and Teredo IPv6 judged by the IPv4 address inside). `GuardedTransport`
resolves each host once, checks every address it resolved to, and sends the request to the first of them by
IP, keeping the Host header and the TLS server name (SNI and certificate check) of the original host, so a
second DNS answer (rebinding) can never be used. Every request goes through it: redirects and robots.txt too.

`web_allow_hosts` ("host:port" pairs, empty by default) lets a user reach an intranet host or a test server.
A proxy named by the environment (proxy.py) is asked for the checked address, never for the name.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from .proxy import environment_proxy, tunnel_transport

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]
DEFAULT_PORTS = {"http": 80, "https": 443}
CGNAT = ipaddress.ip_network("100.64.0.0/10")


class RefusedURL(Exception):
    """The guard refused a URL or an address; the message says why."""


@dataclass(frozen=True)
class Policy:
    allow_hosts: frozenset[tuple[str, int]] = frozenset()  # (host, port) reachable whatever their address
    deny_domains: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, allow_hosts: Sequence[str], deny_domains: Sequence[str]) -> Policy:
        pairs = set()
        for item in allow_hosts:
            host, sep, port = item.strip().rpartition(":")
            if not sep or not port.isdigit() or not host:
                from ..errors import ConfigError

                raise ConfigError(f"web_allow_hosts: {item!r} is not host:port (e.g. 127.0.0.1:8080)")
            pairs.add((host.strip("[]").lower(), int(port)))
        return cls(frozenset(pairs), tuple(d.strip().lower().lstrip(".") for d in deny_domains if d.strip()))

    def allows(self, host: str, port: int) -> bool:
        return (host.lower(), port) in self.allow_hosts


def address_problem(ip: IPAddress) -> str | None:
    """Why an address must not be contacted, or None for a public address."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if inner is not None:
            problem = address_problem(inner)
            return f"{problem} (inside the IPv6 address {ip})" if problem else None
    for test, what in ((ip.is_loopback, "loopback"), (ip.is_link_local, "link-local"),
                       (ip.is_multicast, "multicast"), (ip.is_unspecified, "unspecified"),
                       (ip.is_reserved, "reserved"), (ip.version == 4 and ip in CGNAT, "shared (CGNAT)"),
                       (ip.is_private, "private")):
        if test:
            return f"{ip} is a {what} address"
    if not ip.is_global:
        return f"{ip} is not a public address"
    return None


def check_address(address: str, host: str, port: int, policy: Policy) -> None:
    """Raise RefusedURL unless the address is public or (host, port) is on the allow list."""
    if policy.allows(host, port):
        return
    problem = address_problem(ipaddress.ip_address(address.split("%")[0]))
    if problem:
        raise RefusedURL(f"{host} resolves to a non-public address ({problem}); add {host}:{port} to "
                         "web_allow_hosts to allow it")


def check_url(url: str | httpx.URL, policy: Policy) -> tuple[str, int]:
    """(host, port) of a URL the fetcher may try, or RefusedURL: scheme, userinfo, port and denied domains."""
    parts = urlsplit(str(url))
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise RefusedURL(f"the scheme {scheme or '(none)'!r} is not fetched; only http and https")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise RefusedURL("a URL with a user name or password in it is not fetched")
    host = (parts.hostname or "").lower()
    if not host:
        raise RefusedURL("the URL has no host")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError as exc:
        raise RefusedURL(f"the port is not valid ({exc})") from exc
    for domain in policy.deny_domains:
        if host == domain or host.endswith("." + domain):
            raise RefusedURL(f"{host} is in web_deny_domains ({domain})")
    if port not in (80, 443) and not policy.allows(host, port):
        raise RefusedURL(f"port {port} is not fetched (only 80 and 443); add {host}:{port} to web_allow_hosts "
                         "to allow it")
    return host, port


async def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for a host (an IP literal resolves to itself, without DNS)."""
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class GuardedTransport(httpx.AsyncBaseTransport):
    """Checks each request's URL, resolves its host once, checks every address, then sends the request to the
    first checked address through `inner` (a real httpx transport, or in tests one that records)."""

    def __init__(self, policy: Policy, *, inner: httpx.AsyncBaseTransport | None = None,
                 resolver: Resolver = system_resolver) -> None:
        self.policy = policy
        self.resolver = resolver
        self._inner = inner
        # a TLS connection is never shared by two hosts
        self._per_host: dict[tuple[str, str, str | None], httpx.AsyncBaseTransport] = {}

    def transport_for(self, host: str, scheme: str = "https", proxy: str | None = None) -> httpx.AsyncBaseTransport:
        """The transport to a host: direct, or through `proxy` (forwarded for http, a CONNECT tunnel for https)."""
        if self._inner is not None:
            return self._inner
        key = (host, scheme, proxy)
        if key not in self._per_host:
            if proxy is None:
                self._per_host[key] = httpx.AsyncHTTPTransport(verify=True, retries=0)
            elif scheme == "https":
                self._per_host[key] = tunnel_transport(proxy)
            else:
                self._per_host[key] = httpx.AsyncHTTPTransport(verify=True, retries=0, proxy=proxy)
        return self._per_host[key]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host, port = check_url(request.url, self.policy)
        try:
            addresses = await self.resolver(host, port)
        except OSError as exc:
            raise httpx.ConnectError(f"cannot resolve {host}: {exc}", request=request) from exc
        if not addresses:
            raise httpx.ConnectError(f"{host} resolves to no address", request=request)
        for address in addresses:
            check_address(address, host, port, self.policy)
        chosen = addresses[0]
        proxy = environment_proxy(str(request.url))  # NO_PROXY matches the name, as the user wrote it
        request.url = request.url.copy_with(host=chosen)
        request.headers["Host"] = host if port == DEFAULT_PORTS[request.url.scheme] else f"{host}:{port}"
        if request.url.scheme == "https":
            request.extensions = {**request.extensions, "sni_hostname": host}
        return await self.transport_for(host, request.url.scheme, proxy).handle_async_request(request)

    async def aclose(self) -> None:
        for transport in [*self._per_host.values(), *([self._inner] if self._inner else [])]:
            await transport.aclose()
