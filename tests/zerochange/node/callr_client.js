// CALLR's official Node SDK (npm `callr`), unchanged: it posts to https://api.callr.com/json-rpc/v1.1/ on
// port 443. Usage: node callr_client.js LOGIN PASSWORD METHOD [JSON_PARAMS]. Prints one JSON line: every
// callback the SDK made ({"success": result} or {"error": {message, code, data}}), in order.
'use strict';
const callr = require('callr');

const [login, password, method, params] = process.argv.slice(2);
const events = [];
const api = new callr.api(login, password);
api.send(method, JSON.parse(params || '[]'))
  .success((result) => events.push({ success: result }))
  .error((error) => events.push({ error: { message: error.message, code: error.code, data: plain(error.data) } }));

function plain(data) {
  return data && data.exception ? { exception: String(data.exception) } : data;
}
process.on('exit', () => console.log(JSON.stringify(events)));
