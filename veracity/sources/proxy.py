"""Proxies: the standard environment variables (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY, in either
case), read once and the same way for the search providers and the page fetcher (the standard library's reading
of them, as curl and httpx do).

The fetcher keeps its SSRF guard behind a proxy: it still checks the URL, resolves the host itself and checks
every address, then asks the proxy for exactly that address. An http:// page is forwarded (`GET http://<address>/...`
with the original Host header); an https:// page goes through a CONNECT tunnel to `<address>:443`, and TLS runs
end to end with the original host's name (SNI and certificate check), so the proxy neither resolves the name nor
sees the page. Behind a proxy the host must therefore still resolve locally. The tunnel takes http:// proxies.
"""

from __future__ import annotations

import base64
import urllib.request
from urllib.parse import urlsplit

import httpcore
import httpx


def environment_proxy(url: str) -> str | None:
    """The proxy the environment names for a URL, or None (none set, or NO_PROXY matches its host)."""
    parts = urlsplit(url)
    proxies = urllib.request.getproxies_environment()
    proxy = proxies.get(parts.scheme.lower()) or proxies.get("all")
    if not proxy:
        return None
    host = parts.hostname or ""
    bypass = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]  # public, not in typeshed
    if bypass(host if parts.port is None else f"{host}:{parts.port}", proxies):
        return None
    return proxy if "://" in proxy else f"http://{proxy}"


class ConnectTunnel(httpcore.AsyncNetworkBackend):
    """Opens every connection as a CONNECT tunnel through an HTTP proxy to the host and port asked for (the guard's
    checked address); whatever runs over it (TLS included) is end to end."""

    def __init__(self, proxy: str) -> None:
        self.proxy = httpx.URL(proxy)
        if self.proxy.scheme != "http":
            from ..errors import ConfigError

            raise ConfigError(f"the proxy {self.proxy.scheme}://{self.proxy.host} cannot tunnel https pages: "
                              "the fetcher takes an http:// proxy in HTTPS_PROXY / ALL_PROXY")
        self.backend = httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                          socket_options: object = None) -> httpcore.AsyncNetworkStream:
        stream = await self.backend.connect_tcp(self.proxy.host, self.proxy.port or 80, timeout=timeout,
                                                local_address=local_address)
        target = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        head = f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n"
        if self.proxy.username:
            pair = f"{self.proxy.username}:{self.proxy.password}".encode()
            head += f"Proxy-Authorization: Basic {base64.b64encode(pair).decode()}\r\n"
        await stream.write((head + "\r\n").encode(), timeout=timeout)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = await stream.read(4096, timeout=timeout)
            if not chunk or len(answer) > 65_536:
                await stream.aclose()
                raise httpcore.ProxyError(f"the proxy closed the tunnel to {target} before answering")
            answer += chunk
        status = answer.split(b"\r\n", 1)[0].decode("latin-1")
        parts = status.split(" ", 2)
        if len(parts) < 2 or not parts[1].startswith("2"):
            await stream.aclose()
            raise httpcore.ProxyError(f"the proxy refused the tunnel to {target} ({status})")
        return stream

    async def sleep(self, seconds: float) -> None:
        await self.backend.sleep(seconds)


def tunnel_transport(proxy: str) -> httpx.AsyncHTTPTransport:
    """An httpx transport whose connections are CONNECT tunnels through `proxy` (see ConnectTunnel)."""
    transport = httpx.AsyncHTTPTransport(verify=True, retries=0)
    # httpx exposes no network backend; its pool is replaced by the same pool over the tunnel
    transport._pool = httpcore.AsyncConnectionPool(ssl_context=httpx.create_ssl_context(),
                                                   network_backend=ConnectTunnel(proxy))
    return transport
