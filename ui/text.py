"""The page's words in its two interface languages, Vietnamese (the default) and English.

`GRADIO` translates Gradio's own controls (its keys, from Gradio's English locale); `PAGE` holds
ours, used through `gr.I18n` by the components and by `page.js` for what it writes itself.
Quotes are never translated: they stay in the article's language.
"""

from __future__ import annotations

from assistant.answer import escape_markdown
from index.article import Article

LANGUAGES = ("vi", "en")  # the first is the default

GRADIO = {
    "vi": {
        "chatbot.retry": "Hỏi lại", "chatbot.undo": "Hoàn tác", "chatbot.clear": "Xóa cuộc trò chuyện",
        "chatbot.submit": "Gửi", "chatbot.cancel": "Hủy", "chatbot.edit": "Sửa",
        "chatbot.copy_message": "Chép câu trả lời", "chatbot.copied_message": "Đã chép",
        "chatbot.like": "Thích", "chatbot.dislike": "Không thích", "chatbot.complete": "Xong",
        "common.clear": "Xóa", "common.submit": "Gửi", "common.loading": "Đang tải", "common.error": "Lỗi",
        "common.download": "Tải về", "common.settings": "Cài đặt", "common.built_with_gradio": "Làm bằng Gradio",
        "common.stop": "Dừng", "common.undo": "Hoàn tác", "common.edit": "Sửa", "common.empty": "Trống",
        "errors.use_via_api": "Dùng qua API", "errors.use_via_api_or_mcp": "Dùng qua API",
    },
    "en": {},  # Gradio's own English
}

PAGE = {
    "vi": {
        "tool": "Hỏi đáp về bài báo",
        "help": "Hỏi bằng tiếng Việt, có dấu hay không dấu, hoặc tiếng Anh. Câu trả lời là những câu trích "
                "nguyên văn từ bài báo, đánh số [1], [2], [3] theo mức liên quan, kèm số đoạn; trợ lý nói rõ "
                "khi bài báo không đề cập.",
        "switch": "[English](?lang=en)",
        "question_label": "Câu hỏi về bài báo",
        "send": "Gửi câu hỏi",
        "examples": "Câu hỏi mẫu",
        "example": "Hỏi câu mẫu",
        "your_question": "Câu hỏi của bạn",
        "answer": "Câu trả lời",
        "footer": "Liên kết cuối trang",
        "question_placeholder": "Ví dụ: Có bao nhiêu trạm BTS?",
        "chat_label": "Cuộc trò chuyện",
        "chat_placeholder": "Hỏi một câu về bài báo: câu trả lời trích nguyên văn, bài báo hiện bên cạnh.",
        "export": "Tải cuộc trò chuyện (Markdown)",
        "show_article": "Xem bài báo",
        "close_article": "Đóng bài báo",
        "article_region": "Bài báo",
        "paragraph": "đoạn",
        "declined_note": "Bài báo không trả lời câu hỏi này: các câu được đánh dấu chỉ là những đoạn gần "
                         "nhất, không phải câu trả lời.",
        "not_an_answer": "không phải câu trả lời",
        "empty_question": "Hãy nhập một câu hỏi về bài báo.",
        "at_limit": "ký tự: đã đến giới hạn, hãy rút gọn câu hỏi.",
        "characters": "ký tự",
    },
    "en": {
        "tool": "Ask the article",
        "help": "Ask in Vietnamese, with or without diacritics, or in English. Answers are verbatim quotes "
                "from the article, numbered [1], [2], [3] by relevance, with their paragraph numbers; the "
                "assistant says so when the article does not say. Quotes stay in the article's language: "
                "they are not translated.",
        "switch": "[Tiếng Việt](?lang=vi)",
        "question_label": "Your question about the article",
        "send": "Send the question",
        "examples": "Example questions",
        "example": "Ask the example",
        "your_question": "Your question",
        "answer": "Answer",
        "footer": "Footer links",
        "question_placeholder": "For example: How many 4G sites?",
        "chat_label": "Conversation",
        "chat_placeholder": "Ask about the article: answers quote it verbatim, and it is shown alongside.",
        "export": "Download the conversation (Markdown)",
        "show_article": "Show the article",
        "close_article": "Close the article",
        "article_region": "The article",
        "paragraph": "paragraph",
        "declined_note": "The article does not answer this: the marked sentences are only the closest "
                         "passages, not an answer.",
        "not_an_answer": "not an answer",
        "empty_question": "Type a question about the article.",
        "at_limit": "characters: the limit is reached, shorten the question.",
        "characters": "characters",
    },
}


def metadata_line(article: Article) -> str:
    """The article's date line and source line, where it has them, joined by " · " ("" if none)."""
    return " · ".join(line for line in (article.date_line, article.source_line) if line)


def header(article: Article, language: str) -> str:
    """The page's one header, in `language`: the tool, the article and how answers look."""
    words = PAGE[language]
    meta = metadata_line(article)
    return (f"# {words['tool']}\n**{escape_markdown(article.title)}**"
            + (f" · {escape_markdown(meta)}" if meta else "")
            + f"\n\n{words['help']} {words['switch']}")


def translations(article: Article) -> dict[str, dict[str, str]]:
    """Everything `gr.I18n` needs, per language: Gradio's keys, ours, and the article's header."""
    return {lang: {**GRADIO[lang], **PAGE[lang], "header": header(article, lang)} for lang in LANGUAGES}
