"""Writes the test vocabularies (in the exact file formats PubMedBERT's vocab.txt and CONCH's tokenizer.json use)
and golden-ids.json from independent_tokenizers.py. The real vocabularies cannot be downloaded on our machines, so
these are small vocabularies learnt from the corpus below; the files' formats, special tokens, normaliser,
pre-tokeniser and post-processor are those of the real ones.

Run: /usr/bin/python3 make_golden.py   (writes beside this file; deterministic)
"""
import collections
import json
import os

from independent_tokenizers import ByteLevelBpeJson, WordPiece, bytes_to_unicode, gpt2_split, lower_per_char, strip_accents

HERE = os.path.dirname(os.path.abspath(__file__))

PHRASES = [
    "an H&E image of adenocarcinoma",
    "a histopathology image of invasive ductal carcinoma.",
    "tumor-infiltrating lymphocytes (TILs) in the stroma",
    "Squamous cell carcinoma, moderately differentiated; keratin pearls present",
    "normal colonic mucosa with goblet cells",
    "an image of necrosis",
    "mitotic figures: 12/10 HPF",
    "Ki-67 index ~ 30%",
    "lymph node with metastatic melanoma",
    "benign prostatic hyperplasia vs. adenocarcinoma (Gleason 3+4=7)",
    "pleomorphic nuclei and prominent nucleoli",
    "fibrosis, inflammation, and hemorrhage",
    "adipose tissue",
    "debris and mucus",
    "smooth muscle",
    "cancer-associated stroma",
    "colorectal adenocarcinoma epithelium",
    "PD-L1 positive tumor cells",
    "HER2 3+ breast carcinoma",
    "a photomicrograph of glioblastoma with pseudopalisading necrosis",
]

HOSTILE = [
    "",
    " ",
    "   leading and trailing spaces   ",
    "tabs\tand\nnewlines\r\nmixed",
    "Café crème — naïve résumé",          # accents: stripped by both kinds
    "ÀÉÎÕÜ ÅÇ Ø ß æ",                   # precomposed letters, one without a decomposition (Ø), ß
    "İstanbul ΟΔΟΣ",                    # İ lowers to i + combining dot; final sigma stays σ (per-character lower)
    "胃癌の組織像 腺癌",                   # CJK (split per character by BERT) and kana
    "emoji 🔬🧫 cells 👩‍🔬",              # surrogate pairs, ZWJ (a format character BERT drops)
    "!!!???...;;;---",                  # punctuation runs
    "(((nested))) [brackets] {braces}",
    "don't won't it's we're they've I'm you'll he'd",
    "a" * 120,                          # a word over BERT's 100 characters: one [UNK]
    "carcinoma" * 11,                   # 99 characters: WordPiece pieces, not [UNK]
    "x\u0000y\ufffdz\u0007w",          # NUL, replacement character, BEL: cleaned by BERT, bytes for BPE
    "\u00a0non-breaking\u2003em space",
    "12345 67.89 1,000,000",
    "<|person|> was seen on <|date|>",  # CONCH's added tokens inside text
    "multiple     spaces    between",
    "UPPER lower MiXeD",
]


def wordpiece_vocab(corpus):
    tok = WordPiece.__new__(WordPiece)
    tok.lowercase = True
    words = collections.Counter()
    for text in corpus:
        words.update(WordPiece.pre_tokenize(WordPiece.normalize(tok, text)))
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]  # PubMedBERT's vocab.txt begins so
    chars = sorted({c for w in words for c in w if len(w) <= 100})
    vocab += chars
    # Continuation pieces for letters only: a word with a digit or symbol inside becomes [UNK] as a whole.
    vocab += ["##" + c for c in chars if c.isalpha() and c not in "q"]
    frequent = sorted(w for w, n in words.items() if len(w) > 3 and n >= 1 and w.isalpha())[:60]
    vocab += frequent
    vocab += ["carcin", "##oma", "##noma", "aden", "##o", "##carcinoma", "lymph", "##ocytes", "##itis", "##ed"]
    seen, out = set(), []
    for t in vocab:
        if t not in seen:
            seen.add(t)
            out.append(t)
    return out


CONCH_HEADER = {
    "version": "1.0", "truncation": None, "padding": None,
    "added_tokens": [{"id": i, "content": c, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
                     for i, c in enumerate(["<pad>", "<start_of_text>", "<end_of_text>", "<|person|>", "<|mrn|>", "<|specimen_id|>", "<|date|>"])],
    "normalizer": {"type": "Sequence", "normalizers": [{"type": "NFD"}, {"type": "StripAccents"}, {"type": "Lowercase"}]},
    "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
    "post_processor": {"type": "TemplateProcessing",
                       "single": [{"SpecialToken": {"id": "<start_of_text>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "<end_of_text>", "type_id": 0}}],
                       "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
                       "special_tokens": {"<end_of_text>": {"id": "<end_of_text>", "ids": [2], "tokens": ["<end_of_text>"]},
                                          "<start_of_text>": {"id": "<start_of_text>", "ids": [1], "tokens": ["<start_of_text>"]}}},
    "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
}


def bpe_json(corpus, merges_wanted=300):
    byte_map = bytes_to_unicode()
    words = collections.Counter()
    for text in corpus:
        normalized = lower_per_char(strip_accents(text))
        for piece in gpt2_split(" " + normalized if not normalized.startswith(" ") else normalized):
            words[tuple(byte_map[b] for b in piece.encode("utf-8"))] += 1
    merges = []
    for _ in range(merges_wanted):
        pairs = collections.Counter()
        for w, n in words.items():
            for p in zip(w, w[1:]):
                pairs[p] += n
        if not pairs:
            break
        best = min(pairs, key=lambda p: (-pairs[p], p))  # most frequent, ties by the pair itself: deterministic
        merges.append(best)
        new = collections.Counter()
        for w, n in words.items():
            out, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and (w[i], w[i + 1]) == best:
                    out.append(w[i] + w[i + 1])
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            new[tuple(out)] += n
        words = new
    vocab = {t["content"]: t["id"] for t in CONCH_HEADER["added_tokens"]}
    for c in sorted(byte_map.values(), key=lambda c: ord(c)):  # CONCH's vocabulary lists the byte alphabet next
        vocab.setdefault(c, len(vocab))
    for a, b in merges:
        vocab.setdefault(a + b, len(vocab))
    doc = dict(CONCH_HEADER)
    doc["model"] = {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                    "end_of_word_suffix": None, "fuse_unk": False, "vocab": vocab, "merges": [f"{a} {b}" for a, b in merges]}
    return doc


def main():
    os.makedirs(os.path.join(HERE, "wordpiece"), exist_ok=True)
    os.makedirs(os.path.join(HERE, "bpe-json"), exist_ok=True)
    vocab_path = os.path.join(HERE, "wordpiece", "vocab.txt")
    with open(vocab_path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(wordpiece_vocab(PHRASES)) + "\n")
    json_path = os.path.join(HERE, "bpe-json", "tokenizer.json")
    with open(json_path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(bpe_json(PHRASES), f, ensure_ascii=False, indent=2)
        f.write("\n")
    wordpiece = WordPiece(vocab_path)
    bpe = ByteLevelBpeJson(json_path, max_tokens=127)
    golden = {"wordpiece": [{"text": t, "ids": wordpiece.encode(t)} for t in PHRASES + HOSTILE],
              "bpe-json": [{"text": t, "ids": bpe.encode(t)} for t in PHRASES + HOSTILE]}
    with open(os.path.join(HERE, "golden-ids.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(golden, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
