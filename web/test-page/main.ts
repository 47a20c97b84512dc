// A customer's path through the gateway, the way a browser app takes it, with nothing but the
// client generated from proto/ and connect-web: request an SMS code, sign in with it, file a
// complaint with the customer's token, read its timeline. tests/browser drives it.
//
// Query string: base = the gateway's URL (required); transport = "connect" (JSON, the default)
// or "grpc-web" (binary); phone and code prefill the inputs.
//
// The outcome goes into the DOM: body[data-state] is "code-sent", "done" or "failed"; #result
// holds the outcome as JSON; #error the failing step, its Connect code and message.
import { toJson } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, type Interceptor, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-web";
import { Channel, JourneyStage, Severity } from "../gen/complaints/common/v1/types_pb";
import { CustomerIdentityService } from "../gen/complaints/identity/v1/identity_pb";
import { ComplaintSchema, IntakeService } from "../gen/complaints/intake/v1/intake_pb";

const params = new URLSearchParams(location.search);
const baseUrl = params.get("base") ?? "";
const transportName = params.get("transport") ?? "connect";

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} missing from the page`);
  return found as T;
}
const phoneInput = element<HTMLInputElement>("phone");
const codeInput = element<HTMLInputElement>("code");
const requestCodeButton = element<HTMLButtonElement>("request-code");
const signInButton = element<HTMLButtonElement>("sign-in");
const statusOut = element<HTMLPreElement>("status");
const errorOut = element<HTMLPreElement>("error");
const resultOut = element<HTMLPreElement>("result");

function setState(state: "idle" | "busy" | "code-sent" | "done" | "failed"): void {
  document.body.dataset.state = state;
}

function showError(step: string, err: unknown): void {
  const connectError = ConnectError.from(err);
  errorOut.textContent = JSON.stringify(
    { step, code: Code[connectError.code], message: connectError.rawMessage },
    null,
    2,
  );
  setState("failed");
}

// Sent only once signed in: the identity calls are made without a token.
let accessToken = "";
const bearerToken: Interceptor = (next) => async (req) => {
  if (accessToken) req.header.set("Authorization", `Bearer ${accessToken}`);
  return next(req);
};

function makeTransport(): Transport {
  const options = { baseUrl, interceptors: [bearerToken] };
  switch (transportName) {
    case "connect":
      return createConnectTransport({ ...options, useBinaryFormat: false });
    case "grpc-web":
      return createGrpcWebTransport(options);
    default:
      throw new Error(`transport must be "connect" or "grpc-web", not "${transportName}"`);
  }
}

// A new id for every complaint this page files (1-64 of A-Z a-z 0-9 . _ : -); getRandomValues
// rather than randomUUID, which only secure contexts have.
function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return "web-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function start(): void {
  element("base").textContent = baseUrl || "(none)";
  element("transport").textContent = transportName;
  phoneInput.value = params.get("phone") ?? "";
  codeInput.value = params.get("code") ?? "";
  if (!baseUrl) {
    showError("setup", new Error("no gateway URL: add ?base=http://host:port to the address"));
    return;
  }
  let transport: Transport;
  try {
    transport = makeTransport();
  } catch (err) {
    showError("setup", err);
    return;
  }
  const identity = createClient(CustomerIdentityService, transport);
  const intake = createClient(IntakeService, transport);

  requestCodeButton.addEventListener("click", async () => {
    setState("busy");
    errorOut.textContent = "";
    try {
      const sent = await identity.requestSignInCode({ phone: phoneInput.value });
      statusOut.textContent = `code sent: ${sent.codeLength} digits`;
      setState("code-sent");
    } catch (err) {
      showError("RequestSignInCode", err);
    }
  });

  signInButton.addEventListener("click", async () => {
    setState("busy");
    errorOut.textContent = "";
    let step = "SignIn";
    try {
      const session = await identity.signIn({ phone: phoneInput.value, code: codeInput.value });
      accessToken = session.accessToken;
      statusOut.textContent = `signed in as ${session.customerId}`;

      step = "SubmitComplaint";
      const submitted = await intake.submitComplaint({
        requestId: newRequestId(),
        complaint: {
          customerName: "张三",
          customerPhone: phoneInput.value,
          project: "阳光花园",
          building: "3栋",
          unit: "1502",
          description: "卫生间墙体开裂，雨天渗水",
          occurredAt: timestampFromDate(new Date(Date.now() - 60 * 60 * 1000)),
          severity: Severity.HIGH,
          expectedResolution: "上门检测并修复",
          channel: Channel.WEB,
          journeyStage: JourneyStage.PROPERTY_SERVICE,
        },
      });
      const number = submitted.complaint?.number ?? "";
      statusOut.textContent = `filed ${number}`;

      step = "GetComplaint";
      const read = await intake.getComplaint({ number });
      if (!read.complaint) throw new Error("GetComplaint answered without a complaint");
      resultOut.textContent = JSON.stringify(
        {
          transport: transportName,
          customerId: session.customerId,
          number,
          replayed: submitted.replayed,
          complaint: toJson(ComplaintSchema, read.complaint),
        },
        null,
        2,
      );
      setState("done");
    } catch (err) {
      showError(step, err);
    }
  });
}

start();
