// The bare "hello" gRPC server of tools/bench/services: the rate gRPC itself reaches on this
// machine, the baseline GetComplaint is compared with. Same libraries and the same server
// settings as common/server/server.cc (callback API, health, reflection, keepalive, message
// limits, gRPC's default callback thread pool); no database, no executor hop, no interceptor:
// what is left is the cost of gRPC plus protobuf for a tiny message.
//
//   tousu_bench_hello_server --address 127.0.0.1:0   (prints "listening on PORT", then serves
//                                                     until SIGTERM or SIGINT)

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <signal.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "bench/v1/hello.grpc.pb.h"
#include "common/flags/tool_flags.h"

ABSL_FLAG(std::string, address, "127.0.0.1:0",
          "where to listen (port 0: the kernel chooses; \"listening on PORT\" says which)");

namespace {

namespace bv1 = tousu::bench::v1;

class HelloService final : public bv1::HelloService::CallbackService {
 public:
  grpc::ServerUnaryReactor* SayHello(grpc::CallbackServerContext* ctx,
                                     const bv1::SayHelloRequest* request,
                                     bv1::SayHelloResponse* response) override {
    response->set_message("hello " + request->name());
    auto* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

}  // namespace

int main(int argc, char** argv) {
  const std::vector<char*> args =
      tousu::tools::ParseToolFlags(argc, argv,
                                   "the bare gRPC baseline server of tools/bench/services\n"
                                   "usage: tousu_bench_hello_server [--address HOST:PORT]");
  if (args.size() > 1) {
    tousu::tools::ExitWithUsageError(std::string("unexpected argument ") + args[1]);
  }
  const std::string address = absl::GetFlag(FLAGS_address);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before gRPC starts its threads

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  HelloService service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  // The channel settings of ServiceRuntime::Start, so only the work per call differs.
  builder.SetMaxReceiveMessageSize(4 << 20);
  builder.SetMaxSendMessageSize(4 << 20);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, 15 * 60 * 1000);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr) {
    std::fprintf(stderr, "cannot listen on %s\n", address.c_str());
    return 1;
  }
  std::printf("listening on %d\n", port);
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  return 0;
}
