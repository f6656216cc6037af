// Calls Lianmai's server API through Tencent's Node SDK (tencentcloud-sdk-nodejs), TRTC client 2019-07-22, as a
// TRTC customer's backend would: only the endpoint and protocol changed. Run by CloudApiNodeSdkIT:
//
//   node trtc_calls.js SDK_DIR PLAN_JSON
//
// SDK_DIR holds node_modules/tencentcloud-sdk-nodejs. PLAN_JSON is
//   {"endpoint": "127.0.0.1:PORT", "calls": [{"secretId": …, "secretKey": …, "action": "DismissRoom", "params": {…}}]}
// The calls run one after another; each prints one JSON line:
//   {"action": …, "request": {header: value…}, "response": {…}}   or   {"action": …, "request": …, "error": {"code", "message"}}
// where "request" is the headers the SDK sent (seen through Node's http diagnostics channel, not by patching the SDK).
"use strict";
const path = require("node:path");
const diagnostics = require("node:diagnostics_channel");

const [sdkDir, planJson] = process.argv.slice(2);
const tencentcloud = require(path.join(sdkDir, "node_modules", "tencentcloud-sdk-nodejs"));
const TrtcClient = tencentcloud.trtc.v20190722.Client;
const plan = JSON.parse(planJson);

let sent = null;
diagnostics.subscribe("http.client.request.start", ({ request }) => {
  sent = {};
  for (const name of request.getHeaderNames()) {
    sent[name] = String(request.getHeader(name));
  }
});

async function main() {
  for (const call of plan.calls) {
    const client = new TrtcClient({
      credential: { secretId: call.secretId, secretKey: call.secretKey },
      region: "ap-guangzhou",
      profile: { httpProfile: { endpoint: plan.endpoint, protocol: "http://", reqTimeout: 10 } },
    });
    sent = null;
    const line = { action: call.action };
    try {
      line.response = await client[call.action](call.params);
    } catch (e) {
      line.error = { code: e.code || "", message: e.message || String(e) };
    }
    line.request = sent;
    process.stdout.write(JSON.stringify(line) + "\n");
  }
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + "\n");
  process.exit(1);
});
