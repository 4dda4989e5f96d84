"""Apifonica XML: the parser of controller documents [apifonica.md §6]."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.providers.apifonica.xml import (
    Command,
    DialTarget,
    EndCall,
    GetInput,
    MakeCall,
    PlayAudio,
    SendMessage,
    Wait,
    XmlError,
    is_empty_reply,
    parse_document,
)

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'


def document(inner: str) -> str:
    return f"{DECLARATION}<response>{inner}</response>"


# --- valid documents ---------------------------------------------------------------------------


def test_every_command_and_attribute_parses_in_order() -> None:
    body = document(
        """
        <playAudio loops="3"> https://example.com/hello.mp3 </playAudio>
        <wait time="2.5"/>
        <getInput controller="https://example.com/digits" method="get" timeout="3"
                  timeoutGeneral="10" minSymbols="2" maxSymbols="4" finishOnKey="*" loops="3">
            <playAudio>http://example.com/menu.wav</playAudio>
            <playAudio loops="0">http://example.com/music.mp3</playAudio>
        </getInput>
        <makeCall from="+44 20 7946 0000" controller="https://example.com/bridged" method="GET"
                  timeout="45" whisper_a="http://example.com/a.mp3"
                  whisper_b="http://example.com/b.mp3">
            <number>+15551234567</number>
            <sip>sip:alice@example.com</sip>
        </makeCall>
        <sendMessage from="15550001111" to="15550002222" text="Thanks &amp; bye"
                     controller_url="https://example.com/sms" method="GET"/>
        <sendMessage controller_app="app123">Hello there</sendMessage>
        <endCall signal="busy"/>
        """
    )
    assert parse_document(body) == (
        PlayAudio(url="https://example.com/hello.mp3", loops=3),
        Wait(seconds=2.5),
        GetInput(
            controller="https://example.com/digits",
            method="GET",
            timeout=3,
            timeout_general=10,
            min_symbols=2,
            max_symbols=4,
            finish_on_key="*",
            loops=3,
            prompts=(
                PlayAudio(url="http://example.com/menu.wav"),
                PlayAudio(url="http://example.com/music.mp3", loops=0),
            ),
        ),
        MakeCall(
            targets=(
                DialTarget(kind="number", value="15551234567"),
                DialTarget(kind="sip", value="sip:alice@example.com"),
            ),
            from_="442079460000",
            controller="https://example.com/bridged",
            method="GET",
            timeout=45,
            whisper_a="http://example.com/a.mp3",
            whisper_b="http://example.com/b.mp3",
        ),
        SendMessage(
            text="Thanks & bye",
            from_="15550001111",
            to="15550002222",
            controller_url="https://example.com/sms",
            method="GET",
        ),
        SendMessage(text="Hello there", controller_app="app123"),
        EndCall(signal="busy"),
    )


def test_docs_example_make_call_then_end_call() -> None:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><response><makeCall from="4420794600000">'
        "<number>4915112345678</number></makeCall><endCall/></response>"
    )
    assert parse_document(body) == (
        MakeCall(targets=(DialTarget("number", "4915112345678"),), from_="4420794600000"),
        EndCall(),
    )


def test_defaults_apply_when_attributes_are_absent() -> None:
    body = document(
        "<playAudio>http://example.com/a.mp3</playAudio><wait/><getInput/>"
        "<makeCall><sip>bob</sip></makeCall><sendMessage text='hi'/><endCall/>"
    )
    play, wait, get_input, make_call, send_message, end_call = parse_document(body)
    assert play == PlayAudio(url="http://example.com/a.mp3", loops=1)
    assert wait == Wait(seconds=1)
    assert get_input == GetInput(
        controller=None,
        method="POST",
        timeout=5,
        timeout_general=5,
        min_symbols=1,
        max_symbols=30,
        finish_on_key="#",
        loops=1,
        prompts=(),
    )
    assert make_call == MakeCall(
        targets=(DialTarget("sip", "bob"),),
        from_=None,
        controller=None,
        method="POST",
        timeout=30,
        whisper_a=None,
        whisper_b=None,
    )
    assert send_message == SendMessage(
        text="hi", from_=None, to=None, controller_url=None, controller_app=None, method="POST"
    )
    assert end_call == EndCall(signal=None)


@pytest.mark.parametrize(
    "body",
    [
        f"{DECLARATION}<response/>",
        f"{DECLARATION}\n<response>\n  <!-- nothing yet -->\n</response>\n",
        f"{DECLARATION}<?keep going?><response></response><!-- trailing comment -->",
    ],
)
def test_empty_response_yields_no_commands(body: str) -> None:
    assert parse_document(body) == ()


@pytest.mark.parametrize(
    "body",
    [
        "\ufeff" + document("<endCall/>"),
        " \n\t" + document("<endCall/>"),
        (b"\xef\xbb\xbf\n" + document("<endCall/>").encode()),
        "<?xml version='1.0' encoding='utf-8'?><response><endCall/></response>",
        '<?xml version = "1.0"  encoding = "Utf-8" standalone="yes" ?><response><endCall/></response>',
    ],
)
def test_declaration_variants_are_accepted(body: str | bytes) -> None:
    assert parse_document(body) == (EndCall(),)


@pytest.mark.parametrize("name", ["time", "seconds", "length"])
def test_wait_takes_time_or_its_aliases(name: str) -> None:
    assert parse_document(document(f'<wait {name}="0"/><wait {name}="3600"/>')) == (
        Wait(0),
        Wait(3600),
    )


def test_method_is_case_insensitive_and_upper_cased() -> None:
    (command,) = parse_document(document('<getInput method=" post "/>'))
    assert isinstance(command, GetInput)
    assert command.method == "POST"


def test_finish_on_key_may_be_empty() -> None:
    (command,) = parse_document(document('<getInput finishOnKey=""/>'))
    assert isinstance(command, GetInput)
    assert command.finish_on_key == ""


def test_send_message_keeps_attribute_text_verbatim() -> None:
    (command,) = parse_document(document('<sendMessage text=" two&#10;lines "/>'))
    assert command == SendMessage(text=" two\nlines ")


@pytest.mark.parametrize(
    ("body", "empty"),
    [
        ("", True),
        (b"", True),
        (" \r\n\t", True),
        (b"\xef\xbb\xbf \n", True),
        (document(""), False),
        ("x", False),
        (b"\xff", False),
    ],
)
def test_is_empty_reply(body: str | bytes, empty: bool) -> None:
    assert is_empty_reply(body) is empty


# --- each rule violated ------------------------------------------------------------------------

BILLION_LAUGHS = (
    f'{DECLARATION}<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    "<response><sendMessage>&lol2;</sendMessage></response>"
)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        # the declaration
        ("", "document must start with the declaration"),
        ("<response/>", "document must start with the declaration"),
        ("hello <?xml version='1.0'?>", "document must start with the declaration"),
        ('<?xml version="1.1" encoding="UTF-8"?><response/>', "malformed XML declaration"),
        ('<?xml version="1.0"?><response/>', 'must say encoding="UTF-8"'),
        (
            '<?xml version="1.0" encoding="ISO-8859-1"?><response/>',
            "only UTF-8 is accepted, got encoding 'ISO-8859-1'",
        ),
        (b"<?xml version='1.0' encoding='UTF-8'?><response>\xff</response>", "not valid UTF-8"),
        (document("<sendMessage text='\ud800'/>"), "not valid UTF-8"),
        # DTDs
        (BILLION_LAUGHS, "DTDs are not accepted"),
        (f"{DECLARATION}<!DOCTYPE response><response/>", "DTDs are not accepted"),
        (f'{DECLARATION}<response><!ENTITY x "y"></response>', "malformed XML"),
        # structure
        (
            f"{DECLARATION}<Response/>",
            re.escape("root element must be <response>, got <Response>"),
        ),
        (f"{DECLARATION}<response><response/>", "malformed XML: .*line 1, column"),
        (f"{DECLARATION}<response/><response/>", "malformed XML: junk after document element"),
        (f"{DECLARATION}<response a='1'/>", "unknown attribute 'a' on <response>"),
        (document("<say>Hi</say>"), "unknown command <say>"),
        (document("<record/>"), "unknown command <record>"),
        (document("<PlayAudio>http://a/b</PlayAudio>"), "unknown command <PlayAudio>"),
        (document("<endCall/>hello<endCall/>"), "unexpected text 'hello' in <response>"),
        (document("hello"), "unexpected text 'hello' in <response>"),
        # playAudio
        (document("<playAudio/>"), re.escape("<playAudio> must contain an http(s) URL, got ''")),
        (document("<playAudio>ftp://a/b.mp3</playAudio>"), "must contain an http\\(s\\) URL"),
        (
            document("<playAudio loops='-1'>http://a/b</playAudio>"),
            re.escape("<playAudio loops> must be an integer >= 0, got '-1'"),
        ),
        (
            document("<playAudio voice='w'>http://a/b</playAudio>"),
            "unknown attribute 'voice' on <playAudio>",
        ),
        (
            document("<playAudio>http://a/b<wait/></playAudio>"),
            "<playAudio> must not contain elements, got <wait>",
        ),
        # wait
        (document("<wait time='3601'/>"), re.escape("<wait time> must be a number 0-3600")),
        (document("<wait time='-1'/>"), "<wait time> must be a number 0-3600, got '-1'"),
        (document("<wait seconds='nan'/>"), "<wait seconds> must be a number 0-3600, got 'nan'"),
        (document("<wait length='1e9'/>"), "<wait length> must be a number"),
        (document("<wait time='1' seconds='2'/>"), "one of time/seconds/length, got time and"),
        (document("<wait>5</wait>"), "unexpected text '5' in <wait>"),
        # getInput
        (
            document("<getInput maxSymbols='x'/>"),
            re.escape("<getInput maxSymbols> must be an integer 1-128, got 'x'"),
        ),
        (document("<getInput minSymbols='0'/>"), "<getInput minSymbols> must be an integer 1-128"),
        (document("<getInput maxSymbols='129'/>"), "<getInput maxSymbols> must be an integer"),
        (
            document("<getInput minSymbols='5' maxSymbols='3'/>"),
            re.escape("<getInput maxSymbols> (3) must be >= minSymbols (5)"),
        ),
        (document("<getInput finishOnKey='A'/>"), "<getInput finishOnKey> must be one of"),
        (document("<getInput finishOnKey='##'/>"), "<getInput finishOnKey> must be one of"),
        (document("<getInput loops='0'/>"), "<getInput loops> must be an integer 1-10"),
        (document("<getInput loops='11'/>"), "<getInput loops> must be an integer 1-10"),
        (document("<getInput method='PUT'/>"), "<getInput method> must be GET or POST"),
        (document("<getInput timeout='soon'/>"), "<getInput timeout> must be a number"),
        (document("<getInput timeoutGeneral='1h'/>"), "<getInput timeoutGeneral> must be a"),
        (document("<getInput controller='/next'/>"), "<getInput controller> must be an http"),
        (document("<getInput numDigits='4'/>"), "unknown attribute 'numDigits' on <getInput>"),
        (document("<getInput><wait/></getInput>"), "may contain only <playAudio>, got <wait>"),
        (document("<getInput>Press 1</getInput>"), "unexpected text 'Press 1' in <getInput>"),
        # makeCall
        (document("<makeCall/>"), "<makeCall> needs at least one <number> or <sip>"),
        (document("<makeCall><number>12a</number></makeCall>"), "<number> must be a phone"),
        (document("<makeCall><number>+</number></makeCall>"), "<number> must be a phone"),
        (document("<makeCall><sip> </sip></makeCall>"), "<sip> must not be empty"),
        (document("<makeCall><wait/></makeCall>"), "only <number> or <sip>, got <wait>"),
        (
            document("<makeCall><number x='1'>1</number></makeCall>"),
            "unknown attribute 'x' on <number>",
        ),
        (document("<makeCall>1<number>1</number></makeCall>"), "unexpected text '1'"),
        (document("<makeCall from='abc'><sip>a</sip></makeCall>"), "<makeCall from> must be a"),
        (document("<makeCall timeout='0'><sip>a</sip></makeCall>"), "integer 1-600, got '0'"),
        (document("<makeCall timeout='601'><sip>a</sip></makeCall>"), "integer 1-600"),
        (document("<makeCall whisper_a='a.mp3'><sip>a</sip></makeCall>"), "<makeCall whisper_a>"),
        (document("<makeCall whisper_b='http://'><sip>a</sip></makeCall>"), "<makeCall whisp"),
        # endCall
        (document("<endCall signal='hangup'/>"), "<endCall signal> must be busy or reject"),
        (document("<endCall signal='BUSY'/>"), "<endCall signal> must be busy or reject"),
        (document("<endCall><wait/></endCall>"), "<endCall> must not contain elements"),
        (document("<endCall reason='x'/>"), "unknown attribute 'reason' on <endCall>"),
        # sendMessage
        (document("<sendMessage/>"), "<sendMessage> needs a non-empty text"),
        (document("<sendMessage text='  '/>"), "<sendMessage> needs a non-empty text"),
        (document("<sendMessage text='a'>b</sendMessage>"), "text attribute or as content, not"),
        (
            document("<sendMessage text='a' controller_url='http://x' controller_app='ap1'/>"),
            "controller_url or controller_app, not both",
        ),
        (document("<sendMessage text='a' controller_app=''/>"), "controller_app> must not be"),
        (document("<sendMessage text='a' to='alice'/>"), "<sendMessage to> must be a phone"),
        (document("<sendMessage text='a' controller_url='x'/>"), "<sendMessage controller_url>"),
    ],
)
def test_rule_violations_raise_xml_error(body: str | bytes, message: str) -> None:
    with pytest.raises(XmlError, match=message):
        parse_document(body)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_a_document_in_another_encoding_is_refused_before_parsing(codec: str) -> None:
    # Apifonica accepts UTF-8 only [S15]; a UTF-16/32 body (with or without a byte-order mark) is
    # refused whatever it holds, so a DTD in it never reaches a parser.
    body = BILLION_LAUGHS.replace('encoding="UTF-8"', f'encoding="{codec.upper()}"').encode(codec)

    with pytest.raises(XmlError, match=f"only UTF-8 is accepted; the document is {codec[:6].upper()}"):
        parse_document(body)


@pytest.mark.parametrize(
    "body",
    [
        BILLION_LAUGHS,
        BILLION_LAUGHS.encode("utf-8"),
        b"\xef\xbb\xbf" + BILLION_LAUGHS.encode("utf-8"),
        f'{DECLARATION}<!DOCTYPE response SYSTEM "file:///etc/passwd"><response/>',
        f'{DECLARATION}\n\n  <!DOCTYPE response [<!ENTITY % p SYSTEM "http://x/">%p;]><response/>',
    ],
    ids=["text", "bytes", "bom", "external", "parameter-entity"],
)
def test_the_parser_itself_forbids_dtds(body: str | bytes) -> None:
    # defusedxml with forbid_dtd: the refusal comes from the parser, at the <!DOCTYPE>, before any
    # entity is declared or expanded.
    with pytest.raises(XmlError, match=re.escape("DTDs are not accepted (<!DOCTYPE>)")):
        parse_document(body)


def test_malformed_xml_reports_the_position_in_the_body_as_sent() -> None:
    body = f"\n\n{DECLARATION}\n<response>\n  <wait>\n</response>\n"
    with pytest.raises(XmlError, match=r"malformed XML: mismatched tag: line 6, column 2"):
        parse_document(body)


# --- properties --------------------------------------------------------------------------------

# Characters an XML 1.0 document may carry as text (control characters are escaped when needed).
XML_CHARS = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"), exclude_characters="\ufffe\uffff")
FRAGMENTS = st.sampled_from(
    [
        DECLARATION,
        "<response>",
        "</response>",
        "<response/>",
        "<playAudio",
        "</playAudio>",
        "<getInput",
        "</getInput>",
        "<makeCall",
        "</makeCall>",
        "<number>",
        "</number>",
        "<sip>",
        "<wait",
        "<endCall",
        "<sendMessage",
        "/>",
        ">",
        " loops=",
        " time=",
        " maxSymbols=",
        " minSymbols=",
        " from=",
        " text=",
        " controller=",
        " method=",
        '"',
        "'",
        "1",
        "0",
        "-1",
        "129",
        "1e400",
        "http://a/b",
        "+1 555",
        "&amp;",
        "&bogus;",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "<!DOCTYPE",
        "\n",
        "\ufeff",
        "\x00",
        "\ud800",
    ]
)


def parse_or_reject(body: str | bytes) -> None:
    with contextlib.suppress(XmlError):
        parse_document(body)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_text_raises_only_xml_error(body: str) -> None:
    parse_or_reject(body)
    parse_or_reject(document(body))


@settings(max_examples=200, deadline=None)
@given(st.binary())
def test_arbitrary_bytes_raise_only_xml_error(body: bytes) -> None:
    parse_or_reject(body)
    parse_or_reject(DECLARATION.encode() + b"<response>" + body + b"</response>")


@settings(max_examples=200, deadline=None)
@given(st.lists(FRAGMENTS, max_size=30).map("".join))
def test_xml_like_soup_raises_only_xml_error(body: str) -> None:
    parse_or_reject(body)
    parse_or_reject(DECLARATION + body)


def render(commands: Sequence[Command]) -> str:
    """The XML a controller would serve for `commands` (attributes that are None are left out)."""
    return document("\n".join(render_command(command) for command in commands))


def render_command(command: Command) -> str:
    match command:
        case PlayAudio():
            return element("playAudio", {"loops": command.loops}, escape(command.url))
        case Wait():
            return element("wait", {"time": command.seconds})
        case GetInput():
            attributes = {
                "controller": command.controller,
                "method": command.method,
                "timeout": command.timeout,
                "timeoutGeneral": command.timeout_general,
                "minSymbols": command.min_symbols,
                "maxSymbols": command.max_symbols,
                "finishOnKey": command.finish_on_key,
                "loops": command.loops,
            }
            return element("getInput", attributes, "".join(map(render_command, command.prompts)))
        case MakeCall():
            attributes = {
                "from": command.from_,
                "controller": command.controller,
                "method": command.method,
                "timeout": command.timeout,
                "whisper_a": command.whisper_a,
                "whisper_b": command.whisper_b,
            }
            targets = "".join(element(t.kind, {}, escape(t.value)) for t in command.targets)
            return element("makeCall", attributes, targets)
        case EndCall():
            return element("endCall", {"signal": command.signal})
        case SendMessage():
            attributes = {
                "text": command.text,
                "from": command.from_,
                "to": command.to,
                "controller_url": command.controller_url,
                "controller_app": command.controller_app,
                "method": command.method,
            }
            return element("sendMessage", attributes)


def element(tag: str, attributes: dict[str, str | float | None], content: str = "") -> str:
    rendered = "".join(
        f" {name}={quoteattr(str(value))}" for name, value in attributes.items() if value is not None
    )
    return f"<{tag}{rendered}>{content}</{tag}>"


urls = st.builds(
    str.__add__,
    st.sampled_from(["http://", "https://", "HTTP://"]),
    st.text(XML_CHARS.filter(lambda c: not c.isspace()), min_size=1, max_size=20),
)
digits = st.from_regex(r"[0-9]{1,15}", fullmatch=True)
methods = st.sampled_from(["GET", "POST"])
seconds = st.floats(min_value=0, max_value=3600)
play_audios = st.builds(PlayAudio, url=urls, loops=st.integers(0, 100))
waits = st.builds(Wait, seconds=seconds)
dial_targets = st.builds(DialTarget, kind=st.just("number"), value=digits) | st.builds(
    DialTarget,
    kind=st.just("sip"),
    value=st.text(XML_CHARS, min_size=1, max_size=20).map(str.strip).filter(bool),
)
make_calls = st.builds(
    MakeCall,
    targets=st.lists(dial_targets, min_size=1, max_size=3).map(tuple),
    from_=st.none() | digits,
    controller=st.none() | urls,
    method=methods,
    timeout=st.integers(1, 600),
    whisper_a=st.none() | urls,
    whisper_b=st.none() | urls,
)
end_calls = st.builds(EndCall, signal=st.sampled_from([None, "busy", "reject"]))


@st.composite
def get_inputs(draw: st.DrawFn) -> GetInput:
    min_symbols = draw(st.integers(1, 128))
    return GetInput(
        controller=draw(st.none() | urls),
        method=draw(methods),
        timeout=draw(seconds),
        timeout_general=draw(seconds),
        min_symbols=min_symbols,
        max_symbols=draw(st.integers(min_symbols, 128)),
        finish_on_key=draw(st.sampled_from([*"0123456789*#", ""])),
        loops=draw(st.integers(1, 10)),
        prompts=tuple(draw(st.lists(play_audios, max_size=3))),
    )


@st.composite
def send_messages(draw: st.DrawFn) -> SendMessage:
    controller_url, controller_app = draw(
        st.sampled_from(["none", "url", "app"]).flatmap(
            lambda which: st.tuples(
                urls if which == "url" else st.none(),
                st.from_regex(r"[A-Za-z0-9]{1,34}", fullmatch=True) if which == "app" else st.none(),
            )
        )
    )
    text_chars = XML_CHARS | st.sampled_from("\t\n\r")
    return SendMessage(
        text=draw(st.text(text_chars, min_size=1, max_size=40).filter(str.strip)),
        from_=draw(st.none() | digits),
        to=draw(st.none() | digits),
        controller_url=controller_url,
        controller_app=controller_app,
        method=draw(methods),
    )


commands = st.one_of(play_audios, waits, get_inputs(), make_calls, end_calls, send_messages())


@settings(max_examples=200, deadline=None)
@given(st.lists(commands, max_size=6))
def test_rendered_commands_round_trip(generated: list[Command]) -> None:
    body = render(generated)
    assert parse_document(body) == tuple(generated)
    assert parse_document(body.encode("utf-8")) == tuple(generated)
