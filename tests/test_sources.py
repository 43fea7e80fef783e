"""Input readers: every record becomes a Document or a SourceError, read as a stream.

The fixtures under tests/data/sources/ follow the real NCBI shapes (PubMed baseline XML,
efetch XML with its DOCTYPE, MEDLINE .nbib, PubMed-format .txt); the abstracts are made up.
"""

import gzip
import pickle
import socket
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from trialfacts.reading.sources import FORMATS, Document, SourceError, detect_format, iter_documents

DATA = Path(__file__).resolve().parent / "data" / "sources"
BASELINE = DATA / "pubmed_baseline_sample.xml.gz"
EFETCH = DATA / "efetch_sample.xml"
NBIB = DATA / "sample.nbib"
PUBMED_TXT = DATA / "pubmed_export.txt"
JSONL = DATA / "records.jsonl"


def read(*paths, **options):
    return list(iter_documents(list(paths), **options))


def write(path: Path, text: str, encoding="utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# --- format detection ------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("pubmed25n0001.xml.gz", None, "pubmed-xml"),
    ("efetch.xml", None, "pubmed-xml"),
    ("EFETCH.XML", None, "pubmed-xml"),
    ("dump.jsonl", None, "jsonl"),
    ("dump.jsonl.gz", None, "jsonl"),
    ("dump.ndjson", None, "jsonl"),
    ("citations.nbib", None, "medline"),
    ("citations.medline", None, "medline"),
    ("pubmed-export.txt", "PMID- 99000201\nOWN - NLM\n", "medline"),
    ("pubmed-export.txt", "\n\n  \nPMID- 99000201\nTI  - A title.\n", "medline"),
    ("bom.txt", "\ufeffPMID- 99000201\n", "medline"),
    ("crlf.txt", "\r\nPMID- 99000201\r\nTI  - A title.\r\n", "medline"),
    ("no-extension", "PMID- 99000201\n", "medline"),
    ("abstract.txt", "Sixty patients were randomized.\n", "txt"),
    ("mentions.txt", "Title\n\nText\nmore\nPMID- 99000777 cited.\n", "txt"),
    ("indented.txt", "  PMID- 99000201\n", "txt"),
    ("colon.txt", "PMID: 99000201\n", "txt"),
    ("empty.txt", "", "txt"),
    ("blank.txt", "\n \n\t\n", "txt"),
    ("abstract.html", "<html><body>PMID- 1</body></html>", "txt"),
    ("data.json", '{"id": 1}', "txt"),
    ("abstract.txt.gz", None, "txt"),
])
def test_detect_format(tmp_path, name, content, expected):
    path = tmp_path / name
    if content is not None:
        write(path, content)
    assert detect_format(path) == expected


def test_detect_format_on_the_fixtures():
    assert detect_format(PUBMED_TXT) == "medline"  # a .txt from PubMed's "Save -> PubMed format"
    assert detect_format(DATA / "mentions_pmid.txt") == "txt"  # "PMID- " on line 5 only
    assert detect_format(DATA / "plain_abstract.txt") == "txt"


def test_detect_format_sniffs_only_the_head(tmp_path):
    path = write(tmp_path / "late.txt", "\n" * 5000 + "PMID- 99000201\n")
    assert detect_format(path) == "txt"


def test_detect_format_leaves_an_unreadable_txt_to_the_extractor(tmp_path):
    assert detect_format(tmp_path / "missing.txt") == "txt"
    assert read(tmp_path / "missing.txt") == [
        Document(doc_id="missing", source=str(tmp_path / "missing.txt"), path=tmp_path / "missing.txt")
    ]


# --- plain text ------------------------------------------------------------------------


def test_plain_txt_is_passed_on_unread():
    path = DATA / "plain_abstract.txt"
    assert read(path, DATA / "mentions_pmid.txt") == [
        Document(doc_id="plain_abstract", source=str(path), path=path),
        Document(doc_id="mentions_pmid", source=str(DATA / "mentions_pmid.txt"), path=DATA / "mentions_pmid.txt"),
    ]


# --- PubMed XML ------------------------------------------------------------------------

BASELINE_TEXTS = {
    "pmid99000001": (
        "Intravenous dexmedetomidine versus placebo for delirium after cardiac surgery: "
        "a randomized controlled trial.\n"
        "BACKGROUND: Delirium is common after cardiac surgery and prolongs hospital stay.\n"
        "METHODS: Sixty patients were randomized to dexmedetomidine 10 mg/kg intravenously "
        "or to saline placebo before sternotomy.\n"
        "RESULTS: Delirium occurred in 4 of 30 patients given dexmedetomidine and in 11 of 30 "
        "given placebo (P < 0.05).\n"
        "CONCLUSIONS: Intravenous dexmedetomidine reduced postoperative delirium.\n"
        "TRIAL REGISTRATION: ClinicalTrials.gov NCT01234567."
    ),
    # Markup kept as text, 10<sup>6</sup> -> 10^6, CD34<sup>+</sup> -> CD34+, the newline
    # inside the section -> one space (the indentation after it is the XML's own text).
    "pmid99000002": (
        "Autologous stem cell rescue after high-dose busulfan in children: an open-label trial.\n"
        "Forty-two children received busulfan 1 mg/kg orally every 6 h, then "
        + " " * 10
        + "2 × 10^6 CD34+ cells/kg intravenously (ISRCTN12345678).\n"
        "Engraftment took 11 days (P = 0.003); HbA1c was unchanged."
    ),
    "pmid99000003": (
        "Rationale and design of the HEART-FAST trial of oral metoprolol after myocardial "
        "infarction (NCT02345678)."
    ),
}


def test_baseline_file_yields_one_document_per_article_and_none_for_deletions():
    docs = read(BASELINE)
    assert [d.doc_id for d in docs] == ["pmid99000001", "pmid99000002", "pmid99000003"]
    assert all(isinstance(d, Document) and d.path is None for d in docs)
    assert [d.source for d in docs] == [f"{BASELINE}#9900000{n}" for n in (1, 2, 3)]
    assert {d.doc_id: d.text for d in docs} == BASELINE_TEXTS


def test_baseline_metadata():
    first, second, third = read(BASELINE)
    assert first.metadata == {
        "title": BASELINE_TEXTS["pmid99000001"].split("\n")[0],
        "journal": "Journal of clinical anesthesia research",
        "year": 2019,
        "doi": "10.1000/jcar.2019.0001",  # the ELocationID
        "pmid": "99000001",  # not the CommentsCorrections PMID
        "registrations": ["NCT01234567"],  # once, though in DataBankList and text; GenBank left out
    }
    assert second.metadata == {
        "title": "Autologous stem cell rescue after high-dose busulfan in children: an open-label trial.",
        "journal": "Tropical medicine reports",
        "year": 1998,  # MedlineDate "1998 Dec-1999 Jan"
        "doi": "10.1000/tmr.1998.0002",  # from PubmedData/ArticleIdList: no ELocationID
        "pmid": "99000002",
        "registrations": ["ISRCTN12345678"],
    }
    # No abstract: the title alone. The reference's DOI is not the article's.
    assert third.metadata == {
        "title": BASELINE_TEXTS["pmid99000003"],
        "journal": "Trials and protocols",
        "year": 2021,
        "pmid": "99000003",
        "registrations": ["NCT02345678"],
    }


def test_efetch_file_with_doctype_book_article_and_mathml():
    article, book = read(EFETCH)
    assert article == Document(
        doc_id="pmid99000004",
        source=f"{EFETCH}#99000004",
        text=(
            "Subcutaneous romiplostim 1 µg/kg weekly for chemotherapy-induced thrombocytopenia.\n"
            "METHODS: Eighty adults with platelets below 50 × 10^\u22129/L were randomized; "
            "platelet decay followed k=0.2 per day.\n"
            "RESULTS: Response at week 10a was 62% versus 28% (P < 0.001)."  # a footnote mark stays
        ),
        metadata={
            "title": "Subcutaneous romiplostim 1 µg/kg weekly for chemotherapy-induced thrombocytopenia.",
            "journal": "Haematology and transfusion trials",
            "year": 2023,
            "doi": "10.1000/htt.2023.0004",  # the ELocationID is marked ValidYN="N"
            "pmid": "99000004",
            "registrations": ["2019-001234-56"],  # EudraCT is a trial registry
        },
    )
    assert book == Document(
        doc_id="pmid99000020",
        source=f"{EFETCH}#99000020",
        text=(
            "Ketamine infusion for acute postoperative pain\n"
            "MAIN RESULTS: Twelve trials with 845 participants gave ketamine 0.5 mg/kg/h "
            "intravenously (P < 0.05)."
        ),
        metadata={
            "title": "Ketamine infusion for acute postoperative pain",
            "year": 2020,
            "doi": "10.1000/evsum.ch4",
            "pmid": "99000020",
        },
    )


def test_the_doctype_never_fetches_the_dtd(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the XML reader tried to open a network connection")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    assert [d.doc_id for d in read(EFETCH)] == ["pmid99000004", "pmid99000020"]


def test_truncated_xml_keeps_the_articles_before_the_break():
    path = DATA / "truncated.xml"
    doc, error = read(path)
    assert doc.doc_id == "pmid99000005"
    assert doc.text == (
        "Epidural morphine after caesarean section.\n"
        "One hundred women were randomized to 3 mg epidural morphine or saline (P < 0.01)."
    )
    assert error == SourceError(
        doc_id="truncated", source=str(path), error="not valid PubMed XML: line 25, column 1: no element found"
    )


def test_a_bad_file_does_not_stop_the_next_one(tmp_path):
    not_xml = write(tmp_path / "notes.xml", "Sixty patients were randomized.\n")
    docs = read(not_xml, DATA / "plain_abstract.txt")
    assert docs[0] == SourceError(
        doc_id="notes", source=str(not_xml), error="not valid PubMed XML: line 1, column 1: syntax error"
    )
    assert docs[1].doc_id == "plain_abstract"


def test_xml_with_another_root_names_it():
    path = DATA / "efetch_error.xml"
    assert read(path) == [
        SourceError(
            doc_id="efetch_error",
            source=str(path),
            error="not PubMed XML: the root element is <eFetchResult>, not <PubmedArticleSet>",
        )
    ]


ARTICLE = """<PubmedArticle><MedlineCitation>{pmid}<Article>
<ArticleTitle>{title}</ArticleTitle>{abstract}</Article></MedlineCitation></PubmedArticle>"""


def article_set(*articles: str) -> str:
    return f'<?xml version="1.0"?>\n<PubmedArticleSet>{"".join(articles)}</PubmedArticleSet>\n'


def test_article_without_pmid_is_an_error_with_its_position(tmp_path):
    path = write(tmp_path / "set.xml", article_set(
        ARTICLE.format(pmid='<PMID Version="1">99000031</PMID>', title="First.", abstract=""),
        "<DeleteCitation><PMID Version=\"1\">99000010</PMID></DeleteCitation>",
        ARTICLE.format(pmid="", title="Second.", abstract=""),
        ARTICLE.format(pmid="<PMID>abc</PMID>", title="Third.", abstract=""),
    ))
    assert read(path) == [
        Document(doc_id="pmid99000031", source=f"{path}#99000031", text="First.",
                 metadata={"title": "First.", "pmid": "99000031"}),
        SourceError(doc_id="set-article2", source=f"{path}#article 2", error="no PMID"),
        SourceError(doc_id="set-article3", source=f"{path}#article 3", error="PMID 'abc' is not a number"),
    ]


@pytest.mark.parametrize(("abstract", "text"), [
    # Labels only where the attribute is given; empty sections keep their label only.
    ('<AbstractText Label="AIMS">To test.</AbstractText><AbstractText>Unlabelled.</AbstractText>',
     "T.\nAIMS: To test.\nUnlabelled."),
    ('<AbstractText Label="">No label.</AbstractText><AbstractText Label="NOTE"/>', "T.\nNo label.\nNOTE:"),
    ("<AbstractText>\n  Spaced   inside  \n</AbstractText>", "T.\nSpaced   inside"),
    ("<AbstractText>line one\r\nline two</AbstractText>", "T.\nline one line two"),
    # Powers of ten only after a bare 10 and before a signed integer.
    ("<AbstractText>1.5 × 10<sup>9</sup> and 10<sup>-3</sup> and 10<sup>+2</sup></AbstractText>",
     "T.\n1.5 × 10^9 and 10^-3 and 10^+2"),
    ("<AbstractText>110<sup>2</sup>, 2.10<sup>2</sup>, a10<sup>2</sup>, 10<sup>*</sup>, "
     "m<sup>2</sup>, 10 <sup>2</sup></AbstractText>",
     "T.\n1102, 2.102, a102, 10*, m2, 10 2"),
    ("<AbstractText>10<sup><i>6</i></sup> cells; <b>bold <u>under</u></b> end</AbstractText>",
     "T.\n10^6 cells; bold under end"),
    ("<AbstractText>kept &amp; escaped: &lt;5 &#8805;6</AbstractText>", "T.\nkept & escaped: <5 ≥6"),
])
def test_section_assembly(tmp_path, abstract, text):
    path = write(tmp_path / "one.xml", article_set(
        ARTICLE.format(pmid="<PMID>1</PMID>", title="T.", abstract=f"<Abstract>{abstract}</Abstract>")
    ))
    [doc] = read(path)
    assert doc.text == text


def test_book_without_chapter_title_uses_the_book_title(tmp_path):
    path = write(tmp_path / "book.xml", article_set(
        "<PubmedBookArticle><BookDocument><PMID>99000021</PMID><Book><BookTitle>Whole <i>book</i></BookTitle>"
        "<PubDate><MedlineDate>2015-2016</MedlineDate></PubDate></Book></BookDocument></PubmedBookArticle>"
    ))
    [doc] = read(path)
    assert doc.text == "Whole book"
    assert doc.metadata == {"title": "Whole book", "year": 2015, "pmid": "99000021"}


def test_title_missing_leaves_no_empty_first_line(tmp_path):
    path = write(tmp_path / "notitle.xml", article_set(
        "<PubmedArticle><MedlineCitation><PMID>7</PMID><Article><Abstract>"
        "<AbstractText>Only the abstract.</AbstractText></Abstract></Article></MedlineCitation></PubmedArticle>"
    ))
    [doc] = read(path)
    assert doc.text == "Only the abstract."
    assert doc.metadata == {"pmid": "7"}


def test_unreadable_and_corrupt_xml_files(tmp_path):
    good = BASELINE.read_bytes()
    fake_gz = write(tmp_path / "fake.xml.gz", "<PubmedArticleSet/>")
    cut_gz = tmp_path / "cut.xml.gz"
    cut_gz.write_bytes(good[: len(good) // 2])
    missing = tmp_path / "missing.xml"
    assert read(missing, fake_gz, cut_gz, input_format="pubmed-xml") == [
        SourceError(doc_id="missing", source=str(missing), error="cannot read: No such file or directory"),
        SourceError(doc_id="fake", source=str(fake_gz), error="not a valid gzip file: Not a gzipped file (b'<P')"),
        SourceError(
            doc_id="cut", source=str(cut_gz),
            error="corrupt or truncated gzip data: Compressed file ended before the end-of-stream marker was reached",
        ),
    ]


def test_xml_memory_stays_flat_on_a_large_file(tmp_path):
    """20,000 citations (11 MB of XML): memory must not grow with the file."""
    count = 20_000
    path = tmp_path / "pubmed25n9999.xml.gz"
    # Few elements per article keep the traced run short; the text is abstract-sized.
    article = (
        '<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{n}</PMID>'
        "<Article><ArticleTitle>Trial number {n} of oral drug X versus placebo for postoperative "
        'pain.</ArticleTitle><Abstract><AbstractText Label="METHODS">Sixty patients were randomized '
        "to drug X 10 mg/kg intravenously or to placebo before surgery; pain was scored at 24 h."
        '</AbstractText><AbstractText Label="RESULTS">Pain scores fell more with drug X than with '
        "placebo (P &lt; 0.05), and nausea was no more frequent.</AbstractText></Abstract></Article>"
        "</MedlineCitation></PubmedArticle>\n"
    )
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>\n')
        out.write("".join(article.format(n=n) for n in range(1, count + 1)))
        out.write("</PubmedArticleSet>\n")

    seen = 0
    tracemalloc.start()
    try:
        for doc in iter_documents([path]):
            seen += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == count and doc.doc_id == f"pmid{count}"
    # Measured on this file: keeping every parsed article (iterparse without clearing)
    # peaks near 53 MB; clearing each article but leaving the empty shells in the root
    # near 1.8 MB; the reader (root cleared after each article) about 0.2 MB, mostly read
    # buffers. 1 MB tells the last two apart with room to spare.
    assert peak < 1_000_000, f"peak {peak / 1e6:.2f} MB while iterating"


# --- MEDLINE ---------------------------------------------------------------------------


def test_nbib_records_with_continuation_lines():
    first, second = read(NBIB)
    assert first == Document(
        doc_id="pmid99000101",
        source=f"{NBIB}#99000101",
        text=(
            "Intravenous versus oral iron for anaemia after cardiac surgery: a randomized trial.\n"
            "BACKGROUND: Anaemia is frequent after cardiac surgery. METHODS: One hundred and twenty "
            "patients were randomized to ferric carboxymaltose 20 mg/kg intravenously or ferrous "
            "sulfate 200 mg orally three times daily. RESULTS: Haemoglobin at 4 weeks was higher "
            "with intravenous iron (P < 0.05). TRIAL REGISTRATION: ClinicalTrials.gov NCT03456789."
        ),
        metadata={
            "title": "Intravenous versus oral iron for anaemia after cardiac surgery: a randomized trial.",
            "journal": "European journal of cardiac surgery",
            "year": 2019,
            "doi": "10.1000/ejcs.2019.0101",
            "pmid": "99000101",
            "registrations": ["NCT03456789"],
        },
    )
    assert second.doc_id == "pmid99000102"
    assert second.text == (
        "Nebulized salbutamol in bronchiolitis.\n"
        "Eighty infants were randomized to salbutamol 0.15 mg/kg by nebulizer or saline "
        "(ISRCTN87654321). Oxygen saturation did not differ (P = 0.41)."
    )
    assert second.metadata == {
        "title": "Nebulized salbutamol in bronchiolitis.",
        "journal": "Pediatric pulmonology reports",
        "year": 2001,  # DP "2001 Winter"
        "doi": "10.1000/ppr.2001.0102",
        "pmid": "99000102",
        "registrations": ["ISRCTN87654321"],  # the GENBANK SI line is not a registration
    }


def test_pubmed_format_txt_is_read_as_medline():
    docs = read(PUBMED_TXT)
    assert [(d.doc_id, d.source) for d in docs] == [
        ("pmid99000201", f"{PUBMED_TXT}#99000201"),
        ("pmid99000202", f"{PUBMED_TXT}#99000202"),
    ]
    assert docs[0].text == (
        "Low-dose aspirin and pre-eclampsia in twin pregnancy.\n"
        "Two hundred women were randomized to aspirin 150 mg orally at night or placebo from "
        "12 weeks. Pre-eclampsia occurred in 8% versus 14% (P = 0.04)."
    )
    # No AB: the title alone.
    assert docs[1].text == "Erratum: Low-dose aspirin and pre-eclampsia in twin pregnancy."
    assert docs[1].metadata == {
        "title": "Erratum: Low-dose aspirin and pre-eclampsia in twin pregnancy.",
        "journal": "Obstetric trials",
        "year": 2024,
        "pmid": "99000202",
    }


def test_medline_record_without_pmid_and_without_title(tmp_path):
    path = write(tmp_path / "export.nbib", (
        "PMID- 1\nAB  - Abstract only,\n      continued.\n\n\n"
        "TI  - A record that lost its PMID line.\n\n"
        "PMID- 3\r\nTI  - Windows line ends.\r\nAID - 10.1/abc [pii]\r\nLID - 10.1/def [doi]\r\n"
    ))
    assert read(path) == [
        Document(doc_id="pmid1", source=f"{path}#1", text="Abstract only, continued.", metadata={"pmid": "1"}),
        SourceError(doc_id="export-record2", source=f"{path}#record 2", error="no PMID- line"),
        Document(doc_id="pmid3", source=f"{path}#3", text="Windows line ends.",
                 metadata={"title": "Windows line ends.", "doi": "10.1/def", "pmid": "3"}),
    ]


def test_medline_decoding_tolerates_bom_and_cp1252(tmp_path):
    utf8 = write(tmp_path / "utf8.nbib", "\ufeffPMID- 5\nTI  - Müller’s trial.\n")
    cp1252 = write(tmp_path / "old.nbib", "PMID- 6\nTI  - Müller’s trial.\n", encoding="cp1252")
    assert [d.text for d in read(utf8, cp1252)] == ["Müller’s trial.", "Müller’s trial."]


def test_forcing_medline_on_plain_text_drops_nothing(tmp_path):
    path = write(tmp_path / "plain.txt", "A plain abstract.\nSecond line.\n\nAnother paragraph.\n")
    assert read(path, input_format="medline") == [
        SourceError(doc_id="plain-record1", source=f"{path}#record 1", error="no PMID- line"),
        SourceError(doc_id="plain-record2", source=f"{path}#record 2", error="no PMID- line"),
    ]


# --- JSON Lines ------------------------------------------------------------------------


def test_jsonl_records_and_errors():
    assert read(JSONL) == [
        Document(
            doc_id="trial-001",
            source=f"{JSONL}:1",
            text="Sixty children were randomized to ondansetron 0.1 mg/kg intravenously or placebo (P < 0.05).",
            metadata={"title": "Ondansetron for vomiting after tonsillectomy", "pmid": "99000301"},
        ),
        Document(
            doc_id="42",
            source=f"{JSONL}:2",
            text="Thirty adults received 10 mg/kg intravenously.\nNo adverse events occurred.",
        ),
        # line 3 is blank
        SourceError(doc_id="records-line4", source=f"{JSONL}:4",
                    error="invalid JSON at column 29: Unterminated string starting"),
        SourceError(doc_id="records-line5", source=f"{JSONL}:5", error="not a JSON object but an array"),
        SourceError(doc_id="records-line6", source=f"{JSONL}:6", error="no 'id' field; set --id-field"),
        SourceError(doc_id="trial-006", source=f"{JSONL}:7", error="no 'text' field; set --text-field"),
        SourceError(doc_id="trial-007", source=f"{JSONL}:8", error="the 'text' field is null, not a string"),
        Document(
            doc_id="trial-008",
            source=f"{JSONL}:9",
            text="Café staff (n = 24) took 5 mg orally; P = 0.2.",
            metadata={"pmid": "99000308"},
        ),
    ]


def test_jsonl_field_names_gzip_and_bad_values(tmp_path):
    path = tmp_path / "dump.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write('\ufeff{"pmcid": "PMC1", "body": "First."}\n')
        out.write('{"pmcid": true, "body": "x"}\n')
        out.write('{"pmcid": "", "body": "x"}\n')
        out.write('{"pmcid": 3.5, "body": "x"}\n')
        out.write('{"pmcid": "PMC5", "body": ["x"], "title": 1}\n')
        out.write('{"pmcid": "PMC6", "body": "", "title": "T", "pmid": null}\n')
        out.write('{"pmcid": "PMC7", "body": "x"} trailing\n')
    assert read(path, id_field="pmcid", text_field="body") == [
        Document(doc_id="PMC1", source=f"{path}:1", text="First."),
        SourceError("dump-line2", f"{path}:2", "the 'pmcid' field is a boolean, not a string or an integer"),
        SourceError("dump-line3", f"{path}:3", "the 'pmcid' field is empty"),
        SourceError("dump-line4", f"{path}:4", "the 'pmcid' field is a number, not a string or an integer"),
        SourceError("PMC5", f"{path}:5", "the 'body' field is an array, not a string"),
        Document(doc_id="PMC6", source=f"{path}:6", text="", metadata={"title": "T"}),
        SourceError("dump-line7", f"{path}:7", "invalid JSON at column 32: Extra data"),
    ]


def test_jsonl_invalid_utf8_and_unreadable_file(tmp_path):
    path = tmp_path / "latin.jsonl"
    path.write_bytes('{"id": "a", "text": "café"}\n'.encode("latin-1"))
    assert read(path, tmp_path / "gone.jsonl") == [
        SourceError("latin-line1", f"{path}:1", "not valid UTF-8 (byte 24 of the line)"),
        SourceError("gone", str(tmp_path / "gone.jsonl"), "cannot read: No such file or directory"),
    ]


# --- the API ---------------------------------------------------------------------------


def test_mixed_inputs_stream_in_order():
    docs = read(DATA / "plain_abstract.txt", BASELINE, NBIB, JSONL)
    assert [d.doc_id for d in docs][:6] == [
        "plain_abstract", "pmid99000001", "pmid99000002", "pmid99000003", "pmid99000101", "pmid99000102",
    ]
    assert len(docs) == 14


def test_forced_format_applies_to_every_file():
    [doc] = read(DATA / "truncated.xml", input_format="txt")
    assert doc == Document(doc_id="truncated", source=str(DATA / "truncated.xml"), path=DATA / "truncated.xml")


def test_unknown_format_fails_at_once():
    with pytest.raises(ValueError, match="unknown input format 'xml'; choose one of auto, txt, pubmed-xml"):
        iter_documents([BASELINE], input_format="xml")
    assert FORMATS == ("auto", "txt", "pubmed-xml", "medline", "jsonl")


def test_records_pickle_and_are_frozen():
    items = [*read(EFETCH), SourceError("a", "b", "c"), *read(DATA / "plain_abstract.txt")]
    assert pickle.loads(pickle.dumps(items)) == items
    with pytest.raises(AttributeError):
        items[0].text = "changed"


def test_generator_closes_its_file_when_abandoned():
    stream = iter_documents([BASELINE])
    assert next(stream).doc_id == "pmid99000001"
    stream.close()  # must not raise, and the gzip handle is released by the with block


def test_module_imports_without_spacy():
    code = "import sys, trialfacts.reading.sources; print('spacy' in sys.modules)"
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
    assert time.perf_counter() - started < 5
