"""The JSON shapes of redline's values: each declared once, as a dict and as a JSON Schema.

The CLI's ``--json``, the web API and its OpenAPI description all take their documents
from here: ``SHAPE.dump(value)`` is the dict, ``SHAPE.schema()`` its JSON Schema, and
:func:`schemas` the ``components.schemas`` of a set of shapes. See :mod:`._model`.
"""

from ._archive import (
    ARTICLE,
    ARTICLE_DETAIL,
    CHANGE,
    CHECK_RECORD,
    DIFF,
    SEARCH_HIT,
    VERSION,
    VERSION_INFO,
    ArticleDetail,
    VersionDiff,
)
from ._model import ID, MAX_ID, Field, Shape, field, many, one, schemas, shape
from ._tracking import (
    CHECK_REPORT,
    CHECK_RESULT,
    EXTRACTED_ARTICLE,
    EXTRACTION,
    POLL_RESULT,
    REEXTRACT_RESULT,
    SOURCE,
    SOURCE_HEALTH,
    CheckReport,
    Extraction,
)
from ._web import (
    ARTICLE_PAGE,
    CHANGE_PAGE,
    ERROR,
    SEARCH_HIT_PAGE,
    SOURCE_NAME,
    SOURCE_NAME_PAGE,
    VERSION_INFO_PAGE,
    Listing,
    Problem,
    listing,
)

__all__ = [
    "ARTICLE",
    "ARTICLE_DETAIL",
    "ARTICLE_PAGE",
    "ArticleDetail",
    "CHANGE",
    "CHANGE_PAGE",
    "CHECK_RECORD",
    "CHECK_REPORT",
    "CHECK_RESULT",
    "CheckReport",
    "DIFF",
    "ERROR",
    "EXTRACTED_ARTICLE",
    "EXTRACTION",
    "Extraction",
    "Field",
    "ID",
    "Listing",
    "MAX_ID",
    "POLL_RESULT",
    "Problem",
    "REEXTRACT_RESULT",
    "SEARCH_HIT",
    "SEARCH_HIT_PAGE",
    "SOURCE",
    "SOURCE_HEALTH",
    "SOURCE_NAME",
    "SOURCE_NAME_PAGE",
    "Shape",
    "VERSION",
    "VERSION_INFO",
    "VERSION_INFO_PAGE",
    "VersionDiff",
    "field",
    "listing",
    "many",
    "one",
    "schemas",
    "shape",
]
