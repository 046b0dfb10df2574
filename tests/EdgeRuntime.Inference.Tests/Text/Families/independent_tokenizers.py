"""Independent tokenizers for the golden ids of the `wordpiece` and `bpe-json` kinds.

Written from the published algorithms (Google's BERT tokenization.py / Hugging Face tokenizers' BertNormalizer,
BertPreTokenizer and WordPiece; GPT-2's byte-level BPE as tokenizers' ByteLevel pre-tokenizer and BPE model run it),
with the standard library only, and not from EdgeRuntime's C#: the C# runs on Microsoft.ML.Tokenizers, this file on
nothing but unicodedata. Where the Rust and the Python reference implementations differ, this follows the Rust
(tokenizers) one, because CONCH (PreTrainedTokenizerFast) and open_clip's HFTokenizer (AutoTokenizer) load the fast,
Rust tokenizers:
  - lower case is mapped one character at a time (no final-sigma rule, unlike Python's str.lower on a whole string);
  - BERT: clean text, CJK spacing, then accents stripped (NFD, drop Mn), then lower case.
"""
import json
import unicodedata


def lower_per_char(text):
    # Rust's char::to_lowercase per character (full mapping: 'İ' -> 'i̇'); Python's str.lower on one character is the
    # same mapping, and applying it per character avoids str.lower's final-sigma context rule.
    return "".join(c.lower() for c in text)


def strip_accents(text):
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


# ---------------------------------------------------------------- WordPiece (BERT)

def _is_bert_whitespace(c):
    return c in " \t\n\r" or unicodedata.category(c) == "Zs"


def _is_bert_control(c):
    if c in "\t\n\r":
        return False
    return unicodedata.category(c) in ("Cc", "Cf", "Cn", "Co")


def _is_bert_punctuation(c):
    cp = ord(c)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(c).startswith("P")


def _is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
            or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


class WordPiece:
    def __init__(self, vocab_path, lowercase=True, max_chars_per_word=100):
        with open(vocab_path, encoding="utf-8") as f:
            tokens = [line.rstrip("\n") for line in f]
        self.vocab = {}
        for i, t in enumerate(tokens):
            self.vocab.setdefault(t, i)
        self.lowercase = lowercase
        self.max_chars = max_chars_per_word
        self.cls, self.sep, self.pad, self.unk = (self.vocab[t] for t in ("[CLS]", "[SEP]", "[PAD]", "[UNK]"))

    def normalize(self, text):
        out = []
        for c in text:
            if ord(c) == 0 or ord(c) == 0xFFFD or _is_bert_control(c):
                continue
            out.append(" " if _is_bert_whitespace(c) else c)
        text = "".join(out)
        text = "".join(f" {c} " if _is_cjk(ord(c)) else c for c in text)
        if self.lowercase:  # strip_accents defaults to lowercase
            text = lower_per_char(strip_accents(text))
        return text

    @staticmethod
    def pre_tokenize(text):
        words, current = [], []
        for c in text:
            if _is_bert_whitespace(c):
                if current:
                    words.append("".join(current))
                current = []
            elif _is_bert_punctuation(c):
                if current:
                    words.append("".join(current))
                current = []
                words.append(c)
            else:
                current.append(c)
        if current:
            words.append("".join(current))
        return words

    def word_ids(self, word):
        if len(word) > self.max_chars:  # characters are code points, as Rust's chars()
            return [self.unk]
        ids, start = [], 0
        while start < len(word):
            end, found = len(word), None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocab:
                    found = self.vocab[piece]
                    break
                end -= 1
            if found is None:
                return [self.unk]
            ids.append(found)
            start = end
        return ids

    def encode(self, text):
        ids = [self.cls]
        for word in self.pre_tokenize(self.normalize(text)):
            ids.extend(self.word_ids(word))
        return ids + [self.sep]


# ---------------------------------------------------------------- byte-level BPE from a tokenizer.json

def bytes_to_unicode():
    """GPT-2's map of the 256 byte values to printable characters."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


def _cls(c):
    cat = unicodedata.category(c)
    if c.isspace():
        return "S"
    if cat.startswith("L"):
        return "L"
    if cat.startswith("N"):
        return "N"
    return "O"


def gpt2_split(text):
    """GPT-2's pattern  's|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+  as a scanner."""
    out, i, n = [], 0, len(text)
    while i < n:
        for c in ("'s", "'t", "'re", "'ve", "'m", "'ll", "'d"):
            if text.startswith(c, i):
                out.append(c)
                i += len(c)
                break
        else:
            start = i
            if text[i] == " " and i + 1 < n and _cls(text[i + 1]) != "S":
                i += 1
            k = _cls(text[i])
            if k != "S":
                while i < n and _cls(text[i]) == k:
                    i += 1
                out.append(text[start:i])
                continue
            j = i
            while j < n and _cls(text[j]) == "S":
                j += 1
            if j < n and j - i > 1:
                j -= 1  # \s+(?!\S): leave the last space to the word that follows
            out.append(text[i:j])
            i = j
    return out


class ByteLevelBpeJson:
    def __init__(self, path, max_tokens):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        model = doc["model"]
        assert model["type"] == "BPE" and doc["pre_tokenizer"]["type"] == "ByteLevel"
        self.vocab = model["vocab"]
        merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in model["merges"]]
        self.ranks = {pair: r for r, pair in enumerate(merges)}
        self.added = {t["content"]: t["id"] for t in doc["added_tokens"]}
        self.normalizers = [n["type"] for n in doc["normalizer"]["normalizers"]]
        self.prefix_space = doc["pre_tokenizer"]["add_prefix_space"]
        single = doc["post_processor"]["single"]
        self.start = self.added[single[0]["SpecialToken"]["id"]]
        self.end = self.added[single[2]["SpecialToken"]["id"]]
        self.byte_map = bytes_to_unicode()
        self.max_tokens = max_tokens

    def normalize(self, text):
        for n in self.normalizers:
            if n == "NFD":
                text = unicodedata.normalize("NFD", text)
            elif n == "NFC":
                text = unicodedata.normalize("NFC", text)
            elif n == "StripAccents":
                text = "".join(c for c in text if unicodedata.category(c) != "Mn")
            elif n == "Lowercase":
                text = lower_per_char(text)
            else:
                raise ValueError(n)
        return text

    def bpe(self, word):
        symbols = list(word)
        while len(symbols) > 1:
            best = min(((self.ranks.get(p, 1 << 30), i) for i, p in enumerate(zip(symbols, symbols[1:]))))
            if best[0] == 1 << 30:
                break
            pair = (symbols[best[1]], symbols[best[1] + 1])
            merged, i = [], 0
            while i < len(symbols):
                if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
                    merged.append(pair[0] + pair[1])
                    i += 2
                else:
                    merged.append(symbols[i])
                    i += 1
            symbols = merged
        return [self.vocab[s] for s in symbols]

    def segments(self, text):
        """Splits out added tokens (matched on the raw text, leftmost, longest first) as the tokenizers library does."""
        out, i, plain = [], 0, 0
        contents = sorted(self.added, key=len, reverse=True)
        while i < len(text):
            hit = next((c for c in contents if text.startswith(c, i)), None)
            if hit:
                if plain < i:
                    out.append((text[plain:i], None))
                out.append((hit, self.added[hit]))
                i += len(hit)
                plain = i
            else:
                i += 1
        if plain < len(text):
            out.append((text[plain:], None))
        return out

    def encode(self, text):
        ids = [self.start]
        for segment, added_id in self.segments(text):
            if added_id is not None:
                ids.append(added_id)
                continue
            normalized = self.normalize(segment)
            if not normalized:
                continue
            if self.prefix_space and not normalized.startswith(" "):
                normalized = " " + normalized
            for piece in gpt2_split(normalized):
                ids.extend(self.bpe("".join(self.byte_map[b] for b in piece.encode("utf-8"))))
        return ids + [self.end]
