// A stand-in for Node that loads a prebuilt rtnetlink helper on a machine (or under qemu-user) where
// no Node for that architecture and libc is available, and runs a little of it for real.
//
// It dlopens the .node with RTLD_NOW (every symbol must resolve against the target libc and the
// napi_* / uv_* functions exported here), calls node_api_module_get_api_version_v1 and
// napi_register_module_v1, then calls the registered functions through a minimal Node-API:
// socketOpen(NETLINK_ROUTE, null), socketPortId, socketSend of an RTM_GETLINK dump request,
// socketRecv until NLMSG_DONE, socketClose. It prints one JSON line:
//   {"apiVersion":8,"exports":[...],"fd":N,"portId":N,"links":["lo",...],"close":0}
// Node-API functions the helper imports but this probe does not implement are generated as stubs
// by the test (napi-probe-stubs.c) that abort with their name, so a probe run that reaches one fails loudly.
//
// Usage: napi-probe <file.node>
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <node_api.h>

// Netlink numbers, from <linux/netlink.h> and <linux/rtnetlink.h> (not included: musl's headers
// have no linux/ directory).
#define NETLINK_ROUTE 0
#define NLM_F_REQUEST 0x1
#define NLM_F_DUMP 0x300
#define NLMSG_ERROR 0x2
#define NLMSG_DONE 0x3
#define RTM_NEWLINK 16
#define RTM_GETLINK 18
#define IFLA_IFNAME 3

enum kind { K_UNDEFINED, K_NULL, K_NUMBER, K_STRING, K_OBJECT, K_TYPEDARRAY, K_ERROR };

struct napi_value__ {
  enum kind kind;
  double number;
  char *string;
  napi_typedarray_type array_type;
  void *data;
  size_t length; // elements
};

struct registered {
  char name[64];
  napi_callback cb;
  void *data;
};

static struct registered fns[64];
static size_t nfns;
static struct napi_value__ undefined_value = {.kind = K_UNDEFINED};
static struct napi_value__ *pending; // the exception thrown, if any
static napi_value call_args[8];
static size_t call_argc;
static void *call_data;
static struct napi_env__ *env = (struct napi_env__ *)&fns; // any non-NULL pointer

void probe_unexpected(const char *name) {
  fprintf(stderr, "napi-probe: the helper called %s, which the probe does not implement\n", name);
  abort();
}

static napi_value make(enum kind kind) {
  napi_value v = calloc(1, sizeof *v);
  if (v == NULL) abort();
  v->kind = kind;
  return v;
}

static napi_value number(double d) {
  napi_value v = make(K_NUMBER);
  v->number = d;
  return v;
}

static napi_value array(napi_typedarray_type type, void *data, size_t length) {
  napi_value v = make(K_TYPEDARRAY);
  v->array_type = type;
  v->data = data;
  v->length = length;
  return v;
}

// ---- The Node-API subset the helper's socket functions use ---------------------------------------

napi_status napi_define_properties(napi_env e, napi_value object, size_t n, const napi_property_descriptor *props) {
  (void)e, (void)object;
  for (size_t i = 0; i < n && nfns < sizeof fns / sizeof *fns; i++, nfns++) {
    snprintf(fns[nfns].name, sizeof fns[nfns].name, "%s", props[i].utf8name);
    fns[nfns].cb = props[i].method;
    fns[nfns].data = props[i].data;
  }
  return napi_ok;
}

napi_status napi_add_env_cleanup_hook(napi_env e, void (*fun)(void *), void *arg) {
  (void)e, (void)fun, (void)arg;
  return napi_ok;
}

napi_status napi_get_cb_info(napi_env e, napi_callback_info info, size_t *argc, napi_value *argv, napi_value *this_arg,
                             void **data) {
  (void)e, (void)info;
  for (size_t i = 0; argv != NULL && i < *argc; i++) argv[i] = i < call_argc ? call_args[i] : &undefined_value;
  *argc = call_argc;
  if (this_arg != NULL) *this_arg = &undefined_value;
  if (data != NULL) *data = call_data;
  return napi_ok;
}

napi_status napi_typeof(napi_env e, napi_value v, napi_valuetype *type) {
  (void)e;
  switch (v->kind) {
    case K_UNDEFINED: *type = napi_undefined; break;
    case K_NULL: *type = napi_null; break;
    case K_NUMBER: *type = napi_number; break;
    case K_STRING: *type = napi_string; break;
    default: *type = napi_object; break;
  }
  return napi_ok;
}

napi_status napi_get_value_double(napi_env e, napi_value v, double *out) {
  (void)e;
  if (v->kind != K_NUMBER) return napi_number_expected;
  *out = v->number;
  return napi_ok;
}

napi_status napi_create_int64(napi_env e, int64_t n, napi_value *out) {
  (void)e;
  *out = number((double)n);
  return napi_ok;
}

napi_status napi_create_int32(napi_env e, int32_t n, napi_value *out) {
  (void)e;
  *out = number(n);
  return napi_ok;
}

napi_status napi_is_typedarray(napi_env e, napi_value v, bool *out) {
  (void)e;
  *out = v->kind == K_TYPEDARRAY;
  return napi_ok;
}

napi_status napi_get_typedarray_info(napi_env e, napi_value v, napi_typedarray_type *type, size_t *length, void **data,
                                     napi_value *arraybuffer, size_t *byte_offset) {
  (void)e, (void)arraybuffer;
  if (v->kind != K_TYPEDARRAY) return napi_invalid_arg;
  if (type != NULL) *type = v->array_type;
  if (length != NULL) *length = v->length;
  if (data != NULL) *data = v->data;
  if (byte_offset != NULL) *byte_offset = 0;
  return napi_ok;
}

napi_status napi_get_value_string_utf8(napi_env e, napi_value v, char *buf, size_t size, size_t *result) {
  (void)e;
  if (v->kind != K_STRING) return napi_string_expected;
  size_t len = strlen(v->string);
  if (buf == NULL) {
    *result = len;
    return napi_ok;
  }
  size_t n = len < size - 1 ? len : size - 1;
  memcpy(buf, v->string, n);
  buf[n] = 0;
  if (result != NULL) *result = n;
  return napi_ok;
}

napi_status napi_create_string_utf8(napi_env e, const char *s, size_t len, napi_value *out) {
  (void)e;
  *out = make(K_STRING);
  (*out)->string = len == NAPI_AUTO_LENGTH ? strdup(s) : strndup(s, len);
  return napi_ok;
}

static napi_status throw_message(const char *code, const char *msg) {
  pending = make(K_ERROR);
  size_t n = strlen(msg) + (code != NULL ? strlen(code) : 0) + 4;
  pending->string = malloc(n);
  snprintf(pending->string, n, "%s%s%s", code != NULL ? code : "", code != NULL ? ": " : "", msg);
  return napi_ok;
}

napi_status napi_throw_error(napi_env e, const char *code, const char *msg) {
  (void)e;
  return throw_message(code, msg);
}

napi_status napi_throw_type_error(napi_env e, const char *code, const char *msg) {
  (void)e;
  return throw_message(code, msg);
}

napi_status napi_create_error(napi_env e, napi_value code, napi_value msg, napi_value *out) {
  (void)e, (void)code;
  *out = make(K_ERROR);
  (*out)->string = strdup(msg->string);
  return napi_ok;
}

napi_status napi_set_named_property(napi_env e, napi_value object, const char *name, napi_value value) {
  (void)e, (void)object, (void)name, (void)value;
  return napi_ok;
}

napi_status napi_throw(napi_env e, napi_value error) {
  (void)e;
  pending = error;
  return napi_ok;
}

napi_status napi_is_exception_pending(napi_env e, bool *out) {
  (void)e;
  *out = pending != NULL;
  return napi_ok;
}

napi_status napi_get_last_error_info(napi_env e, const napi_extended_error_info **out) {
  (void)e;
  static const napi_extended_error_info info = {.error_message = "napi-probe: a Node-API call failed"};
  *out = &info;
  return napi_ok;
}

// ---- Calling the helper ----------------------------------------------------------------------------

static napi_value call(const char *name, size_t argc, napi_value *argv) {
  for (size_t i = 0; i < nfns; i++) {
    if (strcmp(fns[i].name, name) != 0) continue;
    call_argc = argc;
    for (size_t j = 0; j < argc; j++) call_args[j] = argv[j];
    call_data = fns[i].data;
    napi_value r = fns[i].cb(env, NULL);
    if (pending != NULL) {
      printf("{\"error\":\"%s threw: %s\"}\n", name, pending->string);
      exit(1);
    }
    if (r == NULL || r->kind != K_NUMBER) {
      printf("{\"error\":\"%s returned no number\"}\n", name);
      exit(1);
    }
    return r;
  }
  printf("{\"error\":\"the helper registered no %s\"}\n", name);
  exit(1);
}

static double call_number(const char *name, size_t argc, napi_value *argv) {
  return call(name, argc, argv)->number;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: napi-probe <file.node>\n");
    return 2;
  }
  void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) {
    printf("{\"error\":\"dlopen: %s\"}\n", dlerror());
    return 1;
  }
  int32_t (*api_version)(void) = (int32_t(*)(void))dlsym(lib, "node_api_module_get_api_version_v1");
  napi_value (*init)(napi_env, napi_value) = (napi_value(*)(napi_env, napi_value))dlsym(lib, "napi_register_module_v1");
  if (init == NULL) {
    printf("{\"error\":\"no napi_register_module_v1\"}\n");
    return 1;
  }
  napi_value exports = make(K_OBJECT);
  if (init(env, exports) != exports || pending != NULL) {
    printf("{\"error\":\"napi_register_module_v1 failed\"}\n");
    return 1;
  }
  printf("{\"apiVersion\":%d,\"exports\":[", api_version != NULL ? (int)api_version() : -1);
  for (size_t i = 0; i < nfns; i++) printf("%s\"%s\"", i > 0 ? "," : "", fns[i].name);
  printf("],");

  napi_value args[5];
  args[0] = number(NETLINK_ROUTE);
  args[1] = make(K_NULL);
  double fd = call_number("socketOpen", 2, args);
  printf("\"fd\":%.0f,", fd);
  if (fd < 0) {
    printf("\"links\":[]}\n");
    return 1;
  }
  args[0] = number(fd);
  printf("\"portId\":%.0f,", call_number("socketPortId", 1, args));

  // struct nlmsghdr (16 bytes) + struct ifinfomsg (16 bytes, all zero: AF_UNSPEC, every link).
  uint8_t request[32] = {0};
  uint32_t len = sizeof request, seq = 1;
  uint16_t type = RTM_GETLINK, flags = NLM_F_REQUEST | NLM_F_DUMP;
  memcpy(request, &len, 4);
  memcpy(request + 4, &type, 2);
  memcpy(request + 6, &flags, 2);
  memcpy(request + 8, &seq, 4);
  args[1] = array(napi_uint8_array, request, sizeof request);
  args[2] = number(0);
  args[3] = number(sizeof request);
  double sent = call_number("socketSend", 4, args);
  if (sent != sizeof request) {
    printf("\"sent\":%.0f,\"links\":[]}\n", sent);
    return 1;
  }

  static uint8_t buf[65536];
  int32_t meta[4];
  bool done = false;
  int tries = 0;
  printf("\"links\":[");
  size_t nlinks = 0;
  while (!done && tries < 2000) {
    args[1] = array(napi_uint8_array, buf, sizeof buf);
    args[2] = number(0);
    args[3] = number(sizeof buf);
    args[4] = array(napi_int32_array, meta, 4);
    double n = call_number("socketRecv", 5, args);
    if (n == -EAGAIN) {
      tries++;
      usleep(1000);
      continue;
    }
    if (n < 0 || n > sizeof buf) break;
    for (size_t off = 0; off + 16 <= (size_t)n;) {
      uint32_t mlen;
      uint16_t mtype;
      memcpy(&mlen, buf + off, 4);
      memcpy(&mtype, buf + off + 4, 2);
      if (mlen < 16 || off + mlen > (size_t)n) break;
      if (mtype == NLMSG_DONE || mtype == NLMSG_ERROR) done = true;
      if (mtype == RTM_NEWLINK) {
        for (size_t a = off + 32; a + 4 <= off + mlen;) { // attributes after nlmsghdr + ifinfomsg
          uint16_t alen, atype;
          memcpy(&alen, buf + a, 2);
          memcpy(&atype, buf + a + 2, 2);
          if (alen < 4 || a + alen > off + mlen) break;
          if ((atype & 0x3fff) == IFLA_IFNAME) printf("%s\"%.*s\"", nlinks++ > 0 ? "," : "", (int)strnlen((char *)buf + a + 4, alen - 4), buf + a + 4);
          a += (alen + 3u) & ~3u;
        }
      }
      off += (mlen + 3u) & ~3u;
    }
  }
  printf("],\"done\":%s,", done ? "true" : "false");
  args[0] = number(fd);
  printf("\"close\":%.0f}\n", call_number("socketClose", 1, args));
  return done ? 0 : 1;
}
