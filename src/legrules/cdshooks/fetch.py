"""Reading from the EHR's FHIR server with the access token it lent (``fhirAuthorization``).

Every request is bounded by a timeout; a search follows its ``next`` links up to a page
limit, and only on the same server, so the token is never sent anywhere else.  An error
status or an OperationOutcome is a :class:`FetchError`.
"""

from __future__ import annotations

from typing import Any

import httpx

__all__ = ["FetchError", "FhirFetcher", "resources_of"]

_MAX_PAGES = 50


class FetchError(Exception):
    """The FHIR server could not give what was asked; ``str()`` says why (no token)."""


def resources_of(value: dict[str, Any]) -> list[dict[str, Any]]:
    """The resources a Bundle holds (search outcomes left out), or the resource itself."""
    if value.get("resourceType") != "Bundle":
        return [value]
    found = []
    for entry in value.get("entry") or ():
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            continue
        mode = (entry.get("search") or {}).get("mode")
        if resource.get("resourceType") == "OperationOutcome" and mode == "outcome":
            continue  # a searchset's warnings, not data
        found.append(resource)
    return found


def next_link(bundle: dict[str, Any]) -> str | None:
    """The URL of the next page of a search Bundle, if any."""
    for link in bundle.get("link") or ():
        if isinstance(link, dict) and link.get("relation") == "next":
            url = link.get("url")
            return url if isinstance(url, str) else None
    return None


class FhirFetcher:
    """Reads *base* with the bearer *token*, through *client*."""

    def __init__(self, client: httpx.AsyncClient, base: str, token: str, timeout: float) -> None:
        self.client, self.base, self.timeout = client, base.rstrip("/") + "/", timeout
        self._headers = {"Authorization": f"Bearer {token}", "Accept": "application/fhir+json"}

    async def _get(self, url: str) -> dict[str, Any]:
        if not url.startswith(self.base):
            raise FetchError("a link points outside the FHIR server")
        try:
            response = await self.client.get(url, headers=self._headers, timeout=self.timeout)
        except httpx.HTTPError as error:
            raise FetchError(f"the FHIR server did not answer ({type(error).__name__})") from None
        if response.status_code != 200:
            raise FetchError(f"the FHIR server answered {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            raise FetchError("the FHIR server answered with something not JSON") from None
        if not isinstance(body, dict) or body.get("resourceType") == "OperationOutcome":
            raise FetchError("the FHIR server answered with an OperationOutcome")
        return body

    async def query(self, relative: str) -> list[dict[str, Any]]:
        """The resources *relative* (a read or a search) gives, every page of them."""
        return await self.complete(await self._get(self.base + relative.lstrip("/")))

    async def complete(self, first: dict[str, Any]) -> list[dict[str, Any]]:
        """The resources of *first* and of the pages its ``next`` links lead to."""
        found, page, pages = resources_of(first), first, 1
        while (url := next_link(page)) is not None:
            pages += 1
            if pages > _MAX_PAGES:
                raise FetchError(f"the search has more than {_MAX_PAGES} pages")
            page = await self._get(url)
            found += resources_of(page)
        return found
