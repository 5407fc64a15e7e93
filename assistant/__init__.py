"""Article Q&A: answers questions about a news article with verbatim quotes.

    from assistant import Assistant
    answer = Assistant().ask("Toàn tỉnh có bao nhiêu tuyến cáp quang?")

Importing is cheap; the model and index load when an `Assistant` is created.
"""

from index.settings import apply_offline_defaults

apply_offline_defaults()

from .answer import Answer, Quote  # noqa: E402
from .api import Assistant  # noqa: E402
from .question import MAX_QUESTION_CHARS, QuestionError  # noqa: E402

__all__ = ["Answer", "Assistant", "MAX_QUESTION_CHARS", "Quote", "QuestionError"]
