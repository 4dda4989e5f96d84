// The npm `apifonica` client, unchanged: it calls https://api.apifonica.com/v2/accounts/... .
// Usage: node apifonica_client.js SID TOKEN VOICE_NUMBER GROUP.FUNCTION [JSON_ARGS], e.g.
// `... account.getInfo` or `... call.make '["15550000001", "app..."]'`. Prints one JSON line:
// {"resolved": value} or {"rejected": value} (the promise the client returned), or {"failed": message}.
'use strict';
const apifonica = require('apifonica');

const [sid, token, voiceNumber, operation, args] = process.argv.slice(2);
const [group, name] = operation.split('.');
apifonica.api.setAccount(sid).setAuthToken(token).setNumberVoice(voiceNumber);
apifonica[group][name](...JSON.parse(args || '[]')).then(
  (value) => console.log(JSON.stringify({ resolved: value })),
  (value) => console.log(JSON.stringify(value instanceof Error ? { failed: String(value) } : { rejected: value })),
);
