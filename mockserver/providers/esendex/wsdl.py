"""The service description at ``?WSDL``: SOAP 1.1, SOAP 1.2, HTTP GET and HTTP POST bindings generated
from operations.py, which follows the real service's WSDL (names, order, types).

Like ASP.NET's, the schema is document/literal with elementFormDefault="qualified", each operation a
``<Method>`` element and a ``<MethodResponse>`` holding ``<MethodResult>``; each return type is also a
top-level element (the root of an HTTP GET/POST reply). As ASP.NET does, the HTTP ports list only the
operations whose parameters are all simple (not the Advanced ones), every parameter a string. The
mock-only MockHangUp is left out.
"""

from __future__ import annotations

from mockserver.providers.esendex.operations import (
    ADVANCED_FIELDS,
    NOTIFY_RETURN_FIELDS,
    NS,
    OPERATIONS,
    PRIMITIVES,
)

SOAP11 = "http://schemas.xmlsoap.org/wsdl/soap/"
SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/"
HTTP = "http://schemas.xmlsoap.org/wsdl/http/"
MIME = "http://schemas.xmlsoap.org/wsdl/mime/"
#: The HTTP bindings: (name, verb, what the input is).
HTTP_BINDINGS = (
    ("HttpGet", "GET", "<http:urlEncoded />"),
    ("HttpPost", "POST", '<mime:content type="application/x-www-form-urlencoded" />'),
)

COMPLEX: dict[str, tuple[tuple[str, str], ...]] = {
    "AdvancedNotifyRequest": ADVANCED_FIELDS,
    "NotifyReturn": NOTIFY_RETURN_FIELDS,
    "Variable": (("VariableName", "string"), ("VariableValue", "string")),
    "Response": (("ResponseCode", "int"), ("ResponseText", "string")),
    "Voice": (
        ("VoiceID", "int"),
        ("VoiceName", "string"),
        ("VoiceGender", "string"),
        ("VoiceAge", "int"),
        ("VoiceLanguage", "string"),
        ("VoiceSummary", "string"),
    ),
    "UploadFileResponse": (
        ("UploadSuccessful", "boolean"),
        ("ErrorResponse", "string"),
        ("UploadedLengthInSeconds", "int"),
    ),
}
ARRAYS = {
    "ArrayOfAdvancedNotifyRequest": "AdvancedNotifyRequest",
    "ArrayOfNotifyReturn": "NotifyReturn",
    "ArrayOfVariable": "Variable",
    "ArrayOfResponse": "Response",
    "ArrayOfVoice": "Voice",
    "ArrayOfString": "string",
}
NULLABLE = {"string", "base64Binary"}


def _type(kind: str) -> str:
    return f"s:{kind}" if kind in PRIMITIVES or kind == "decimal" else f"tns:{kind}"


def _element(name: str, kind: str) -> str:
    occurs = "0" if kind in NULLABLE or kind not in PRIMITIVES | {"decimal"} else "1"
    return f'<s:element minOccurs="{occurs}" maxOccurs="1" name="{name}" type="{_type(kind)}" />'


def _sequence(fields: tuple[tuple[str, str], ...]) -> str:
    return "<s:sequence>" + "".join(_element(n, k) for n, k in fields) + "</s:sequence>"


def _types() -> str:
    parts = []
    for op in OPERATIONS.values():
        parts.append(
            f'<s:element name="{op.name}"><s:complexType>{_sequence(op.params)}</s:complexType></s:element>'
        )
        result = _sequence(((f"{op.name}Result", op.returns),))
        parts.append(
            f'<s:element name="{op.name}Response"><s:complexType>{result}</s:complexType></s:element>'
        )
    for kind in sorted({op.returns for op in OPERATIONS.values()}):
        nillable = "" if kind in PRIMITIVES - NULLABLE else ' nillable="true"'
        parts.append(f'<s:element name="{kind}"{nillable} type="{_type(kind)}" />')
    for name, fields in COMPLEX.items():
        parts.append(f'<s:complexType name="{name}">{_sequence(fields)}</s:complexType>')
    for name, item in ARRAYS.items():
        parts.append(
            f'<s:complexType name="{name}"><s:sequence><s:element minOccurs="0" maxOccurs="unbounded" '
            f'name="{item}" nillable="true" type="{_type(item)}" /></s:sequence></s:complexType>'
        )
    return (
        f'<wsdl:types><s:schema elementFormDefault="qualified" targetNamespace="{NS}">'
        + "".join(parts)
        + "</s:schema></wsdl:types>"
    )


def _binding(name: str, prefix: str) -> str:
    operations = "".join(
        f'<wsdl:operation name="{op}"><{prefix}:operation soapAction="{NS}{op}" style="document" />'
        f'<wsdl:input><{prefix}:body use="literal" /></wsdl:input>'
        f'<wsdl:output><{prefix}:body use="literal" /></wsdl:output></wsdl:operation>'
        for op in OPERATIONS
    )
    return (
        f'<wsdl:binding name="{name}" type="tns:PhoneNotifySoap">'
        f'<{prefix}:binding transport="http://schemas.xmlsoap.org/soap/http" />{operations}</wsdl:binding>'
    )


def _http_parts(location: str) -> tuple[str, str, str, str]:
    """Messages, port types, bindings and ports of the HTTP GET and POST bindings."""
    simple = [op for op in OPERATIONS.values() if not op.soap_only]
    messages, port_types, bindings, ports = [], [], [], []
    for name, verb, encoding in HTTP_BINDINGS:
        for op in simple:
            parts = "".join(f'<wsdl:part name="{param}" type="s:string" />' for param, _ in op.params)
            messages.append(
                f'<wsdl:message name="{op.name}{name}In">{parts}</wsdl:message>'
                f'<wsdl:message name="{op.name}{name}Out">'
                f'<wsdl:part name="Body" element="tns:{op.returns}" /></wsdl:message>'
            )
        operations = "".join(
            f'<wsdl:operation name="{op.name}"><wsdl:input message="tns:{op.name}{name}In" />'
            f'<wsdl:output message="tns:{op.name}{name}Out" /></wsdl:operation>'
            for op in simple
        )
        port_types.append(f'<wsdl:portType name="PhoneNotify{name}">{operations}</wsdl:portType>')
        operations = "".join(
            f'<wsdl:operation name="{op.name}"><http:operation location="/{op.name}" />'
            f'<wsdl:input>{encoding}</wsdl:input><wsdl:output><mime:mimeXml part="Body" /></wsdl:output>'
            "</wsdl:operation>"
            for op in simple
        )
        bindings.append(
            f'<wsdl:binding name="PhoneNotify{name}" type="tns:PhoneNotify{name}">'
            f'<http:binding verb="{verb}" />{operations}</wsdl:binding>'
        )
        ports.append(
            f'<wsdl:port name="PhoneNotify{name}" binding="tns:PhoneNotify{name}">'
            f'<http:address location="{location}" /></wsdl:port>'
        )
    return "".join(messages), "".join(port_types), "".join(bindings), "".join(ports)


def wsdl(location: str) -> str:
    messages = "".join(
        f'<wsdl:message name="{op}SoapIn"><wsdl:part name="parameters" element="tns:{op}" /></wsdl:message>'
        f'<wsdl:message name="{op}SoapOut"><wsdl:part name="parameters" element="tns:{op}Response" />'
        "</wsdl:message>"
        for op in OPERATIONS
    )
    port_type = "".join(
        f'<wsdl:operation name="{op}"><wsdl:input message="tns:{op}SoapIn" />'
        f'<wsdl:output message="tns:{op}SoapOut" /></wsdl:operation>'
        for op in OPERATIONS
    )
    http_messages, http_port_types, http_bindings, http_ports = _http_parts(location)
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<wsdl:definitions xmlns:s="http://www.w3.org/2001/XMLSchema" xmlns:soap="{SOAP11}" '
        f'xmlns:soap12="{SOAP12}" xmlns:http="{HTTP}" xmlns:mime="{MIME}" xmlns:tns="{NS}" '
        f'targetNamespace="{NS}" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/">'
        f"{_types()}{messages}{http_messages}"
        f'<wsdl:portType name="PhoneNotifySoap">{port_type}</wsdl:portType>{http_port_types}'
        f"{_binding('PhoneNotifySoap', 'soap')}{_binding('PhoneNotifySoap12', 'soap12')}{http_bindings}"
        '<wsdl:service name="PhoneNotify">'
        '<wsdl:port name="PhoneNotifySoap" binding="tns:PhoneNotifySoap">'
        f'<soap:address location="{location}" /></wsdl:port>'
        f'<wsdl:port name="PhoneNotifySoap12" binding="tns:PhoneNotifySoap12">'
        f'<soap12:address location="{location}" /></wsdl:port>'
        f"{http_ports}</wsdl:service></wsdl:definitions>"
    )
