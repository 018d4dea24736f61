"""Matching what a person wrote against the county's townships and villages.

Tolerant of partial names: "下汤" → 下汤镇, "林楼" → 林楼村 (and so its township). When a
fragment fits several places the caller asks again with the choices. Tolerant of voice input's
homophones when nothing else fits: "滚子营乡" → 磙子营乡, "雄背乡" → 熊背乡 (see sounds_of).
"""
from __future__ import annotations

import importlib.util
import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.store.models import Township, Village

TOWNSHIP_SUFFIXES = ("街道办事处", "办事处", "街道", "镇", "乡")
PLACE_SAID = re.compile(r"镇|乡|村|街道|社区|组|庄|营|寨|沟|屯|店|集")   # where a homophone is worth looking for
VILLAGE_SUFFIXES = ("社区", "居委会", "村委会", "村")

CITY_OWN_PLACE = "市本级"   # the city's one place row: its own departments' cases (docs/city.md)


def short_name(name: str, suffixes) -> str:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


UNIT_SUFFIXES = ("人民政府", "办事处")


def unit_short_name(name: str) -> str:
    """下汤镇人民政府 → 下汤镇, 鲁阳街道办事处 → 鲁阳街道, 县水利局 → 水利局."""
    short = short_name(name, UNIT_SUFFIXES)
    return name[1:] if short == name and name.startswith("县") and len(name) > 3 else short


@lru_cache(maxsize=1)
def _sounds() -> tuple[dict[str, str], dict[str, str]]:
    """For each reading without tones, the common characters that have it ({"gun": "滚磙衮…"}), and
    those whose first reading it is: from pypinyin's character table, read once per process as a
    file (60 ms; 0.3 MB kept) — pypinyin itself is not imported: its phrase table costs 140 ms and
    56 MB."""
    spec = importlib.util.find_spec("pypinyin")
    table = json.loads((Path(spec.submodule_search_locations[0]) / "pinyin_dict.json").read_text(encoding="utf-8"))
    every: dict[str, list[str]] = {}
    first: dict[str, list[str]] = {}
    for code, said in table.items():
        if 0x4E00 <= int(code) <= 0x9FFF:
            sounds = list(dict.fromkeys("".join(c for c in unicodedata.normalize("NFD", r) if c.isascii())
                                        for r in said.split(",")))
            first.setdefault(sounds[0], []).append(chr(int(code)))
            for sound in sounds:
                every.setdefault(sound, []).append(chr(int(code)))
    return {k: "".join(v) for k, v in every.items()}, {k: "".join(v) for k, v in first.items()}


KEPT = set("".join(TOWNSHIP_SUFFIXES + VILLAGE_SUFFIXES))   # the endings: each the character of its own sound


def sounds_of(names: list[str]) -> dict[int, str]:
    """A str.translate table that writes every character sounding (any tone) like one of the names'
    as one character of that sound — 滚 and 磙 alike, 雄 and 熊, 关 and 官 — so that a name and what
    voice input made of it read the same; derived from the county's own names."""
    every, first = _sounds()
    own = {c for name in names for c in name}
    sounds = sorted({sound for sound, chars in every.items() if not own.isdisjoint(chars)})
    table: dict[int, str] = {}
    for sound in sounds:
        chars = first.get(sound, "")
        one = next((c for c in chars if c in KEPT), chars[:1] or every[sound][0])
        for c in chars:
            if c not in KEPT:
                table.setdefault(ord(c), one)
    return table


@dataclass(frozen=True)
class Place:
    township_id: int
    township: str
    village_id: int | None = None
    village: str | None = None
    county: str | None = None   # at a city's own entrance: the county the place is in (鲁山县)

    def label(self) -> str:
        return (self.county or "") + self.township + (self.village or "")


@dataclass
class PlaceMatch:
    """``places`` holds one entry when the match is certain, several when the person must choose."""

    places: list[Place] = field(default_factory=list)
    outside: str | None = None   # at a city's own entrance: a place named outside every county of the city

    @property
    def unique(self) -> Place | None:
        return self.places[0] if len(self.places) == 1 else None


class Gazetteer:
    """The county's places, held in memory (a few hundred rows) and matched without queries."""

    directory_names = None   # the directory's names (core.cases.accusations.DirectoryNames), kept with the places

    def __init__(self, townships: list[tuple[int, str]], villages: list[tuple[int, int, str]], sounds: bool = True):
        self.townships = [(tid, name, short_name(name, TOWNSHIP_SUFFIXES)) for tid, name in townships]
        self.names = {tid: name for tid, name in townships}
        # a village named like its township (下汤村 in 下汤镇) only matches by its full name
        self.short = {tid: short for tid, _, short in self.townships}
        self.villages = [(vid, tid, name, short_name(name, VILLAGE_SUFFIXES)) for vid, tid, name in villages]
        self.village_names = {vid: name for vid, _, name in villages}
        # the same places as voice input may write them (homophones), each name by its sound
        self.sounds = sounds_of([name for _, name in townships] + [name for _, _, name in villages]) if sounds else {}
        self._heard = Gazetteer([(tid, name.translate(self.sounds)) for tid, name in townships],
                                [(vid, tid, name.translate(self.sounds)) for vid, tid, name in villages],
                                sounds=False) if self.sounds else None
        # what a homophone must make whole to count: a full name, or a short one of three characters
        whole = {n for _, name, short in self.townships for n in (name, short) if len(n) >= 3} | \
            {n for _, _, name, short in self.villages for n in (name, short) if len(n) >= 3}
        self._whole = re.compile("|".join(map(re.escape, sorted(whole, key=len, reverse=True)))) if whole else None
        self._shorts = {short for *_, short in self.townships} | {short for *_, short in self.villages}

    def label(self, township_id: int | None, village_id: int | None = None) -> str | None:
        """"下汤镇林楼村" for the ids, without a query; None when a place is not (or no longer) on
        file here (only active places are held)."""
        township = self.names.get(township_id) if township_id is not None else ""
        village = self.village_names.get(village_id) if village_id is not None else ""
        return None if township is None or village is None else township + village

    def place_of(self, p, village: bool = True) -> str:
        """"下汤镇林楼村" (or the township alone) of a petition: from the places in memory, the
        petition's rows only for a place no longer on file."""
        name = self.label(p.township_id, p.village_id if village else None)
        if name is None:
            name = (p.township.name if p.township else "") + (p.village.name if village and p.village else "")
        if name == CITY_OWN_PLACE and (p.location or {}).get("label"):
            return p.location["label"]      # a case of the city's own: the place as the bureau wrote it
        return name

    @classmethod
    def from_session(cls, session: Session) -> Gazetteer:
        townships = session.execute(select(Township.id, Township.name).where(Township.active).order_by(Township.id)).all()
        villages = session.execute(
            select(Village.id, Village.township_id, Village.name).where(Village.active).order_by(Village.id)).all()
        return cls([tuple(t) for t in townships], [tuple(v) for v in villages])

    def match(self, text: str, within_township: int | None = None) -> PlaceMatch:
        text = re.sub(r"\s+", "", text or "")
        if not text:
            return PlaceMatch()
        found = self._match(text, within_township)
        if found.places or self._heard is None or not PLACE_SAID.search(text) and len(text) > 6:
            return found
        # voice input's homophones ("滚子营乡"): both read by sound, a place only where the text holds
        # one whole — its full name, a short name of three characters, or all of it
        echo = self._heard
        heard = text.translate(self.sounds)
        if not (heard in echo._shorts or echo._whole and echo._whole.search(heard)):
            return PlaceMatch()
        return PlaceMatch([Place(p.township_id, self.names[p.township_id], p.village_id,
                                 self.village_names.get(p.village_id)) for p in echo._match(heard, within_township).places
                           if self._said_whole(p, heard, text)])

    def _said_whole(self, heard_place: Place, heard: str, text: str) -> bool:
        """The place's name (as sounds) is whole in what was heard, and shares a character with what
        was written (夏堂, a name, is not 下汤)."""
        echo, tid, vid = self._heard, heard_place.township_id, heard_place.village_id
        names = [(echo.names[tid], self.names[tid]), (echo.short[tid], self.short[tid])]
        if vid is not None:
            names += [(echo.village_names[vid], self.village_names[vid]),
                      (short_name(echo.village_names[vid], VILLAGE_SUFFIXES),
                       short_name(self.village_names[vid], VILLAGE_SUFFIXES))]
        return any((n == heard or n in heard and len(n) >= 3) and not set(real).isdisjoint(text) for n, real in names)

    def _match(self, text: str, within_township: int | None) -> PlaceMatch:
        # 1. township named in full or by its short name somewhere in the text
        named = self._townships_in(text)
        # 2. village named somewhere in the text
        villages = [v for v in self.villages if v[2] in text or (len(v[3]) >= 2 and v[3] in text
                                                                  and v[3] != self.short.get(v[1]))]
        # "上董周村" names 董周村 inside it: the longer name is the one meant
        villages = [v for v in villages if not any(v[2] != w[2] and v[2] in w[2] for w in villages)]
        if named:
            tids = {t for t in named}
            in_named = [v for v in villages if v[1] in tids]
            if len(tids) == 1:
                tid = next(iter(tids))
                if len(in_named) == 1:
                    v = in_named[0]
                    return PlaceMatch([Place(tid, self.names[tid], v[0], v[2])])
                return PlaceMatch([Place(tid, self.names[tid])])
            return PlaceMatch([Place(t, self.names[t]) for t in sorted(tids)])
        if within_township is not None:
            villages = [v for v in villages if v[1] == within_township] or villages
        if villages:
            return PlaceMatch([Place(v[1], self.names[v[1]], v[0], v[2]) for v in villages[:9]])
        # 3. the whole (short) text is the start of some township's name: "张" → 张官营镇 / 张良镇
        if len(text) <= 6:
            partial = [t for t in self.townships if t[1].startswith(text) or (len(text) >= 2 and text in t[1])]
            if partial:
                return PlaceMatch([Place(t[0], t[1]) for t in partial[:9]])
        return PlaceMatch()

    def _townships_in(self, text: str) -> list[int]:
        full = [t[0] for t in self.townships if t[1] in text]
        if full:
            return full
        return [t[0] for t in self.townships if len(t[2]) >= 2 and t[2] in text]

    def seat_of(self, township_id: int | None) -> Place | None:
        """The village or community named like its township (赵村村 of 赵村镇): where "镇上" is."""
        short = self.short.get(township_id)
        return next((Place(tid, self.names[tid], vid, name) for vid, tid, name, vshort in self.villages
                     if tid == township_id and vshort == short), None)

    def names_township(self, text: str) -> bool:
        """The text names a township (in full or by its short name), not only a village."""
        return bool(self._townships_in(re.sub(r"\s+", "", text or "")))

    def villages_of(self, township_id: int) -> list[str]:
        return [v[2] for v in self.villages if v[1] == township_id]


# a character that is not part of a place's name before 县/市/区: "俺是郏县的", "住在郑州市"
NOT_A_NAME = {"俺", "我", "是", "在", "住", "家", "的", "了", "从", "到", "去", "来", "省", "就",
              "也", "咱", "们", "恁", "您", "你", "他", "她", "这", "那", "个"}


class CityGazetteer(Gazetteer):
    """The places of every county of a city, for the city's own Official Account and number
    (docs/city.md): the place the citizen names decides the county. Each place it matches says
    its county (``Place.county``); a county named beside it ("宝丰城关镇", "鲁山的") chooses
    among places two counties share; a county, city or district named that is none of the city's
    ("郏县城关镇") is outside (``PlaceMatch.outside``)."""

    def __init__(self, city, counties: list) -> None:
        super().__init__([(tid, name) for _, g in counties for tid, name, _ in g.townships],
                         [(vid, tid, name) for _, g in counties for vid, tid, name, _ in g.villages])
        self.city = city
        self.own: Gazetteer | None = None    # the city's own places (市本级) and people: its officials' (Services)
        self.counties = {c.id: (c, g) for c, g in counties}   # county id → (County, its own Gazetteer)
        self.county_of = {tid: c.id for c, g in counties for tid in g.names}
        self.county_names = {c.id: c.name for c, _ in counties}
        self._known = {n for c, _ in counties for n in (c.name, short_name(c.name, ("县", "市", "区")))} | \
            {city.name, short_name(city.name, ("市",))}

    def counties_named(self, text: str) -> set[int]:
        """The counties of the city named in ``text`` (鲁山县, or 鲁山)."""
        return {cid for cid, name in self.county_names.items()
                if name in text or (len(short := short_name(name, ("县", "市", "区"))) >= 2 and short in text)}

    def outside_named(self, text: str) -> str | None:
        """A county, city or district named in ``text`` that is not the city's nor one of its
        counties' (郏县, 郑州市): the place is outside the city. "县城", "县里" name none."""
        text = re.sub(r"\s+", "", text or "")
        for m in re.finditer(r"[县市区]", text):
            i = m.start()
            after = text[i + 1:]
            if after[:1] in ("城", "里", "上", "委", "长", "直", "域", "场", "民") and \
                    not any(after.startswith(name) for name in self.names.values()) or \
                    any(text[:i + 1].endswith(k) or text[:i].endswith(k) for k in self._known if k):
                continue
            j = i
            while j > 0 and i - j < 4 and "\u4e00" <= text[j - 1] <= "\u9fff" and text[j - 1] not in NOT_A_NAME:
                j -= 1
            if i > j:
                return text[j:i + 1]
        return None

    def match(self, text: str, within_township: int | None = None) -> PlaceMatch:
        found = super().match(text, within_township)
        places = found.places
        named = self.counties_named(text or "")
        if named and len({self.county_of.get(p.township_id) for p in places}) > 1:
            places = [p for p in places if self.county_of.get(p.township_id) in named] or places
        outside = self.outside_named(text)
        if outside is not None and not named and (not places or len({self.county_of.get(p.township_id)
                                                                     for p in places}) > 1 or
                                                  outside + places[0].township in re.sub(r"\s+", "", text)):
            return PlaceMatch([], outside=outside)
        return PlaceMatch([replace(p, county=self.county_names[self.county_of[p.township_id]]) for p in places])

    def seat_of(self, township_id: int | None) -> Place | None:
        seat = super().seat_of(township_id)
        return replace(seat, county=self.county_names[self.county_of[seat.township_id]]) if seat else None
