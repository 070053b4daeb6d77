"""The ``fetch`` stage: a URL in, a :class:`Page` (decoded HTML and its HTTP facts) out.

A :class:`Fetcher` enforces every ``[fetch]`` limit: the time limit, the size
cap, redirects, the address guard (no private networks, no DNS rebinding),
per-host politeness, ``Retry-After`` and robots.txt. Its private modules:

- ``_fetcher``: the Fetcher and its Page;
- ``_decoding``: response bodies decompressed within the size cap;
- ``_netguard``: the address guard and the network backend that connects only
  to the addresses it checked;
- ``_politeness``: per-host concurrency, delays and cool-downs;
- ``_robots``: robots.txt, fetched once a day per site (:class:`RobotsMemory`).
"""

from ._fetcher import Fetcher, Page
from ._netguard import AddressGuard, Resolver, refuse_private_hosts
from ._robots import RobotsMemory

__all__ = ["AddressGuard", "Fetcher", "Page", "Resolver", "RobotsMemory", "refuse_private_hosts"]
