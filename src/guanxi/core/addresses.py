"""Which province, city and district a Chinese address names (山西省太原市小店区… → 140000,
140100, 140105), by the ``cpca`` package's matcher over the GB/T 2260 names.

cpca takes the first reading of a name several divisions share (朝阳区: Beijing's or
Changchun's). Here every reading of the first name is followed through the rest of the
address; the one the address bears out furthest wins, and a tie between different places is
ambiguous rather than a guess.
"""

import importlib.resources
import sys
import types
from dataclasses import dataclass
from typing import Any


class AmbiguousAddress(ValueError):
    """The address fits several divisions equally well; ``names`` lists them."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(", ".join(names))
        self.names = names


@dataclass(frozen=True)
class AddressDivisions:
    """The codes an address names, from the province down as far as it goes (None below)."""

    province: str | None = None
    city: str | None = None
    district: str | None = None


def _resources_shim() -> None:
    """cpca reads its table through ``pkg_resources.resource_stream``, which newer setuptools
    (and environments without setuptools) no longer have: the same from importlib then."""
    try:
        import pkg_resources  # noqa: F401
    except ImportError:
        shim = types.ModuleType("pkg_resources")

        def resource_stream(package: str, name: str) -> Any:
            return importlib.resources.files(package).joinpath(name).open("rb")

        shim.resource_stream = resource_stream  # type: ignore[attr-defined]
        sys.modules["pkg_resources"] = shim


def _matcher() -> Any:
    # Imported on first use: building the matcher takes a moment, and pages never need it.
    _resources_shim()
    import cpca

    return cpca.matcher


def _place(code: str, rank: int) -> str:
    """山西省 太原市 小店区 for a code of that rank (placeholder names such as 市辖区 left out)."""
    import cpca

    parts = [code[:2], code[:4], code][: rank + 1]
    names = [cpca.adcode_name(part) for part in parts]
    return " ".join(name for name in names if name and name not in ("市辖区", "县"))


def _follow(first: Any, rest: list[Any]) -> list[Any]:
    chain = [first]
    for match in rest:
        if chain[-1].rank == 2:  # a district: nothing below it
            break
        found = match.get_match_addr(chain[-1])
        if found is not None:
            chain.append(found)
    return chain


def address_divisions(text: str) -> AddressDivisions:
    """The divisions ``text`` names (all None when it names none); AmbiguousAddress when its
    first place name has several equally good readings."""
    if not text or not text.strip():
        return AddressDivisions()
    matches = list(_matcher().iter(text.strip()))
    if not matches:
        return AddressDivisions()
    first, rest = matches[0], matches[1:]
    chains = [_follow(candidate, rest) for candidate in first.attr_infos]
    longest = max(len(chain) for chain in chains)
    ends = {chain[-1].adcode: chain for chain in chains if len(chain) == longest}
    if len(ends) > 1:
        raise AmbiguousAddress(sorted(_place(code, chain[-1].rank) for code, chain in ends.items()))
    code = next(iter(ends))
    rank = ends[code][-1].rank
    return AddressDivisions(
        province=code[:2] + "0000",
        city=code[:4] + "00" if rank >= 1 else None,
        district=code if rank == 2 else None,
    )
