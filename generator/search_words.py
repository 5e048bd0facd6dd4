"""Words a question is made of but its answer is not, stripped from a search query before it is
looked up ("差评怎么处理" is searched as 差评 处理): question words (怎么, 多久, 谁), particles
(吗, 了, 的) and the small verbs of asking (能不能, 需要). Single characters left between words
("早上开店" → 早 上 开店) are dropped too when the query holds a longer word. Without this, the one page that happens
to contain "怎么办" outranks every page about 差评. One list per language of the site; the
search worker (search_worker.js) receives the site language's list in its settings.
"""

from __future__ import annotations

QUESTION_WORDS = {
    "zh": frozenset(
        {
            # asking what, how, why, when, where, who, how much
            *("怎么", "怎么办", "怎么样", "怎样", "如何", "什么", "什么时候", "时候", "为什么"),
            "为何",
            *(
                "哪些",
                "哪个",
                "哪里",
                "哪儿",
                "多久",
                "多长时间",
                "多少",
                "几",
                "几点",
                "谁",
                "请问",
            ),
            # asking whether, may, must
            *("是否", "是不是", "能", "能不能", "不能", "能否", "可以", "可不可以", "要", "需要"),
            "应该",
            *("该", "会", "有没有", "有", "还", "吗", "呢", "吧", "啊", "了", "的", "得"),
            # who is asking, and the glue between
            *("我", "我们", "你", "你们", "被", "把", "给", "在", "都", "就", "也"),
        }
    ),
}

# Words of the domain jieba's dictionary lacks, which it would split into characters nobody
# searches for (月报 → 月 报): taught to it beside the glossary's terms and the role names.
SEGMENT_WORDS = {"zh": ("月报",)}
