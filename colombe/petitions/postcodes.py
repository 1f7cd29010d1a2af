"""French postcode → department code, for the petition statistics by region.

The first two digits of a French postcode are its department, with two exceptions:
Corsica (20xxx) is split into Corse-du-Sud (2A, 200xx-201xx) and Haute-Corse (2B,
202xx-206xx), and overseas postcodes (97xxx) use three digits (971 Guadeloupe … 976
Mayotte). Anything else — foreign, Monaco (980xx), Pacific territories (98xxx), typos —
gives "" so it is counted as "unknown", never as a wrong department."""

import re

FRENCH_POSTCODE = re.compile(r"^\d{5}$")
# Countries (ISO 3166) whose postcodes follow the French scheme: France and the overseas
# departments and collectivities that have their own code.
FRENCH_COUNTRIES = {"", "FR", "GP", "MQ", "GF", "RE", "PM", "YT", "BL", "MF"}
OVERSEAS = {"971", "972", "973", "974", "975", "976"}


def department_from_postcode(postcode: str, country: str = "") -> str:
    code = postcode.replace(" ", "").strip()
    if country.upper() not in FRENCH_COUNTRIES or not FRENCH_POSTCODE.match(code):
        return ""
    prefix = code[:2]
    if prefix == "20":
        return corsican_department(int(code[2]))
    if prefix == "97":
        return code[:3] if code[:3] in OVERSEAS else ""
    if prefix in {"00", "96", "98", "99"}:
        return ""
    return prefix


def corsican_department(third_digit: int) -> str:
    if third_digit <= 1:
        return "2A"
    if third_digit <= 6:
        return "2B"
    return ""
