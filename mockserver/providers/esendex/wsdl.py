"""The service description at ``?WSDL``: SOAP 1.1 and 1.2 bindings generated from operations.py.

Like ASP.NET's, the schema is document/literal with elementFormDefault="qualified", each operation a
``<Method>`` element and a ``<MethodResponse>`` holding ``<MethodResult>``. The HTTP GET/POST bindings
are not described (SOAP clients do not use them); the mock-only MockHangUp is left out.
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

COMPLEX: dict[str, tuple[tuple[str, str], ...]] = {
    "AdvancedNotifyRequest": ADVANCED_FIELDS,
    "NotifyReturn": NOTIFY_RETURN_FIELDS,
    "AdvancedNotifyReturn": (*NOTIFY_RETURN_FIELDS, ("Variables", "ArrayOfVariable")),
    "Variable": (("Name", "string"), ("Value", "string")),
    "Response": (("ResponseCode", "int"), ("ResponseText", "string")),
    "Voice": (
        ("VoiceID", "int"),
        ("VoiceName", "string"),
        ("VoiceGender", "string"),
        ("VoiceAge", "int"),
        ("VoiceLanguage", "string"),
        ("VoiceSummary", "string"),
    ),
    "SoundFileUploadResponse": (
        ("UploadSuccessful", "boolean"),
        ("UploadedLengthInSeconds", "int"),
        ("ErrorResponse", "string"),
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
    for name, fields in COMPLEX.items():
        parts.append(f'<s:complexType name="{name}">{_sequence(fields)}</s:complexType>')
    for name, item in ARRAYS.items():
        nillable = ' nillable="true"' if item == "string" else ""
        parts.append(
            f'<s:complexType name="{name}"><s:sequence><s:element minOccurs="0" maxOccurs="unbounded" '
            f'name="{item}"{nillable} type="{_type(item)}" /></s:sequence></s:complexType>'
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
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<wsdl:definitions xmlns:s="http://www.w3.org/2001/XMLSchema" xmlns:soap="{SOAP11}" '
        f'xmlns:soap12="{SOAP12}" xmlns:tns="{NS}" targetNamespace="{NS}" '
        'xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/">'
        f"{_types()}{messages}"
        f'<wsdl:portType name="PhoneNotifySoap">{port_type}</wsdl:portType>'
        f"{_binding('PhoneNotifySoap', 'soap')}{_binding('PhoneNotifySoap12', 'soap12')}"
        '<wsdl:service name="PhoneNotify">'
        '<wsdl:port name="PhoneNotifySoap" binding="tns:PhoneNotifySoap">'
        f'<soap:address location="{location}" /></wsdl:port>'
        f'<wsdl:port name="PhoneNotifySoap12" binding="tns:PhoneNotifySoap12">'
        f'<soap12:address location="{location}" /></wsdl:port>'
        "</wsdl:service></wsdl:definitions>"
    )
