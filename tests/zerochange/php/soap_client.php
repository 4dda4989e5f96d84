<?php
// PHP's own SoapClient (Debian php-cli + php-soap), unchanged, against Phone Notify's production WSDL URL.
// Usage: php soap_client.php WSDL_URL SOAP_VERSION(1.1|1.2) LICENSE_KEY PHONE_NUMBER CALLER_ID
// Queues one call with NotifyPhoneBasic, reads it back with GetQueueIDStatus; prints one JSON line.
[, $wsdl, $version, $licenseKey, $phone, $callerId] = $argv;

try {
    $client = new SoapClient($wsdl, [
        'soap_version' => $version === '1.2' ? SOAP_1_2 : SOAP_1_1,
        'trace' => true,
        'exceptions' => true,
    ]);
    $queued = $client->NotifyPhoneBasic([
        'PhoneNumberToDial' => $phone,
        'TextToSay' => 'Hello from an unchanged SoapClient.',
        'CallerID' => $callerId,
        'CallerIDname' => 'Zero Change',
        'VoiceID' => 0,
        'LicenseKey' => $licenseKey,
    ]);
    $result = $queued->NotifyPhoneBasicResult;  // a NotifyReturn
    $queueId = is_object($result) ? $result->QueueID : $result;
    // Send LicenseKey only where the service's own WSDL declares it for this operation.
    $status = ['QueueID' => $queueId];
    if (wsdl_declares($client, 'GetQueueIDStatus', 'LicenseKey')) {
        $status['LicenseKey'] = $licenseKey;
    }
    $reply = $client->GetQueueIDStatus($status);
    $request = $client->__getLastRequest();
    echo json_encode([
        'queue_id' => (string) $queueId,
        'queued' => $result,
        'status' => $reply->GetQueueIDStatusResult,
        'request_envelope' => substr($request, 0, 200),
    ]), "\n";
} catch (SoapFault $fault) {
    echo json_encode(['fault' => $fault->faultstring, 'code' => $fault->faultcode]), "\n";
}

function wsdl_declares(SoapClient $client, string $operation, string $field): bool
{
    foreach ($client->__getTypes() as $type) {
        if (preg_match('/^struct ' . $operation . ' \{(.*)\}$/s', $type, $m)) {
            return (bool) preg_match('/\s' . $field . ';/', $m[1]);
        }
    }
    return false;
}
