// The shape of a liuctl command's calls: one unary call with the session's
// token and deadline, failures reported with their exit code; all pages of a
// List call merged into one response; and resource names from what a person
// types (a bare id or the full name).
#ifndef ISMAP_LIU_CLIENTS_LIUCTL_CALLS_H_
#define ISMAP_LIU_CLIENTS_LIUCTL_CALLS_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "clients/liuctl/server_session.h"
#include "grpcpp/client_context.h"

namespace ismap::liu::liuctl {

// Calls `method` of `Service` on `component`'s server. Returns kExitOk, or
// the exit code of the failure after reporting it on stderr.
template <typename Service, typename Request, typename Response>
int Call(ServerSession& session, Component component,
         grpc::Status (Service::Stub::*method)(grpc::ClientContext*,
                                               const Request&, Response*),
         const Request& request, Response* response) {
  auto stub = Service::NewStub(session.Channel(component));
  grpc::ClientContext context;
  session.Prepare(&context);
  const grpc::Status status = ((*stub).*method)(&context, request, response);
  return session.Report(status, session.Address(component));
}

// Calls a List method page after page and merges the pages into `all` (the
// repeated fields concatenated, next_page_token left empty). Returns like
// Call.
template <typename Service, typename Request, typename Response>
int CallAllPages(ServerSession& session, Component component,
                 grpc::Status (Service::Stub::*method)(grpc::ClientContext*,
                                                       const Request&,
                                                       Response*),
                 Request request, Response* all) {
  all->Clear();
  do {
    Response page;
    const int code = Call<Service>(session, component, method, request, &page);
    if (code != kExitOk) return code;
    request.set_page_token(page.next_page_token());
    page.clear_next_page_token();
    all->MergeFrom(page);
  } while (!request.page_token().empty());
  return kExitOk;
}

// `collection/id` from an id, or the input unchanged when it is already a
// name (contains '/').
inline std::string ResourceName(const std::string& collection,
                                const std::string& id_or_name) {
  if (id_or_name.find('/') != std::string::npos) return id_or_name;
  return absl::StrCat(collection, "/", id_or_name);
}

}  // namespace ismap::liu::liuctl

#endif  // ISMAP_LIU_CLIENTS_LIUCTL_CALLS_H_
