// The facts a log line carries besides its message: an event name and typed fields, written as
// JSON members with --log-format json so a log shipper (Loki, Elasticsearch, Cloud Logging)
// can index them:
//
//   {"time":"...","level":"info","logger":"clawinit","msg":"spawned pid=2 command=\"sh -c x\"",
//    "event":"spawned","pid":2,"command":"sh -c x"}
//
// The message stays for people and is the whole of a text line. The data types (LogKey,
// LogField) live in core/log_fields.hpp, so the decision code builds fields without log/.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/log_fields.hpp"

namespace clawinit {

std::string_view log_key_name(LogKey key);

// `,"event":"<event>","pid":2,...`: the members that follow "msg" in a JSON line, in the order
// given; a key given twice is written once (the first), so the line stays JSON a strict
// reader accepts. Empty when there is no event and no field.
std::string log_members_json(std::string_view event, std::span<const LogField> fields);

}  // namespace clawinit
