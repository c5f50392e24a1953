// The syscall half of the rtnetlink package: sockets, a libuv readiness watcher, network
// namespace plumbing, and reading the package's code cache into fresh memory. Every
// byte of every netlink message is built and parsed in TypeScript.
//
// Conventions: functions return a number, >= 0 on success and -errno on failure; only wrong
// argument types or bounds throw (a TypeError). invokeInNamespace is the exception: it returns
// what its callback returns and throws a system Error when it cannot enter the namespace.
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <linux/netlink.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <node_api.h>
#include <uv.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

// linux/sockios.h: a new fd of the network namespace a socket belongs to (since Linux 4.9).
#ifndef SIOCGSKNS
#define SIOCGSKNS 0x894C
#endif

// The calling thread's own namespace. /proc/self would name the main thread's namespace instead.
#define THREAD_NS "/proc/thread-self/ns/net"

// Returns from a napi_callback when a Node-API call fails, leaving a pending JS exception.
#define CHECK(env, call)                                                                           \
  do {                                                                                             \
    if ((call) != napi_ok) return napi_fail(env);                                                  \
  } while (0)

// Throws an Error describing the last Node-API failure unless an exception is already pending.
static napi_value napi_fail(napi_env env) {
  const napi_extended_error_info *info = NULL;
  bool pending = false;
  napi_get_last_error_info(env, &info);
  const char *msg = info != NULL && info->error_message != NULL ? info->error_message : "Node-API call failed";
  if (napi_is_exception_pending(env, &pending) == napi_ok && !pending) napi_throw_error(env, NULL, msg);
  return NULL;
}

// Throws a TypeError; used only for arguments of the wrong type or out of bounds.
static napi_value type_error(napi_env env, const char *msg) {
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
  return NULL;
}

// Throws an Error shaped like Node's system errors: message, errno (positive), code, syscall, path.
static napi_value throw_errno(napi_env env, int err, const char *syscall, const char *path) {
  // The errno's name from libuv (Node's own table), the same with every libc; glibc's
  // strerrorname_np would tie the binary to glibc >= 2.32 and musl has none.
  char name_buf[32];
  const char *name = NULL;
  uv_err_name_r(-err, name_buf, sizeof name_buf);
  if (strncmp(name_buf, "Unknown", 7) != 0) name = name_buf;
  char msg[512];
  snprintf(msg, sizeof msg, "%s%s%s, %s%s%s%s", name != NULL ? name : "", name != NULL ? ": " : "", strerror(err),
           syscall, path != NULL ? " '" : "", path != NULL ? path : "", path != NULL ? "'" : "");
  napi_value code = NULL, text, error, value;
  if (name != NULL) CHECK(env, napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &code));
  CHECK(env, napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &text));
  CHECK(env, napi_create_error(env, code, text, &error));
  CHECK(env, napi_create_int32(env, err, &value));
  CHECK(env, napi_set_named_property(env, error, "errno", value));
  CHECK(env, napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &value));
  CHECK(env, napi_set_named_property(env, error, "syscall", value));
  if (path != NULL) {
    CHECK(env, napi_create_string_utf8(env, path, NAPI_AUTO_LENGTH, &value));
    CHECK(env, napi_set_named_property(env, error, "path", value));
  }
  napi_throw(env, error);
  return NULL;
}

// Returns a number to JS (an int64 is exact for every byte count, fd and u32 port id).
static napi_value num(napi_env env, int64_t v) {
  napi_value result;
  CHECK(env, napi_create_int64(env, v, &result));
  return result;
}

// The syscall result convention: 0 on success, -errno on failure.
static napi_value sys_result(napi_env env, int rc) {
  return num(env, rc < 0 ? -errno : rc);
}

// close() that keeps errno: the errno of the call that failed is what JS must see.
static void close_quietly(int fd) {
  int saved = errno;
  close(fd);
  errno = saved;
}

// ---- Arguments ---------------------------------------------------------------------------------

// Fetches up to n arguments (missing ones are undefined) and the function's data pointer.
static bool get_args(napi_env env, napi_callback_info info, size_t n, napi_value *argv, void **data) {
  size_t argc = n;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, data) == napi_ok) return true;
  napi_fail(env);
  return false;
}

// An integral JS number within [min, max]; anything else (NaN, 1.5, "3", 2**53) is a TypeError.
static bool get_int(napi_env env, napi_value v, double min, double max, const char *name, int64_t *out) {
  napi_valuetype type;
  double d = 0;
  if (napi_typeof(env, v, &type) != napi_ok || type != napi_number || napi_get_value_double(env, v, &d) != napi_ok ||
      !(d >= min && d <= max) || (double)(int64_t)d != d) {
    char msg[128];
    snprintf(msg, sizeof msg, "%s must be an integer in [%.0f, %.0f]", name, min, max);
    type_error(env, msg);
    return false;
  }
  *out = (int64_t)d;
  return true;
}

static bool get_fd(napi_env env, napi_value v, int *fd) {
  int64_t n;
  if (!get_int(env, v, 0, INT32_MAX, "fd", &n)) return false;
  *fd = (int)n;
  return true;
}

// A JS string as a malloc'd C string (caller frees); NUL bytes inside would silently cut a path.
static char *get_string(napi_env env, napi_value v, const char *name) {
  char msg[96];
  size_t len;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) {
    snprintf(msg, sizeof msg, "%s must be a string", name);
    type_error(env, msg);
    return NULL;
  }
  char *s = malloc(len + 1);
  if (s == NULL) {
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  if (napi_get_value_string_utf8(env, v, s, len + 1, &len) != napi_ok || strlen(s) != len) {
    free(s);
    snprintf(msg, sizeof msg, "%s must be a string without NUL characters", name);
    type_error(env, msg);
    return NULL;
  }
  return s;
}

// Like get_string, but null and undefined give NULL (mount's optional source and fstype).
static bool get_optional_string(napi_env env, napi_value v, const char *name, char **out) {
  napi_valuetype type;
  *out = NULL;
  if (napi_typeof(env, v, &type) != napi_ok) return napi_fail(env), false;
  if (type == napi_null || type == napi_undefined) return true;
  *out = get_string(env, v, name);
  return *out != NULL;
}

// argv[0..2] = (buf, offset, length): the bytes [offset, offset + length) of any TypedArray.
// napi_get_typedarray_info's data already points at the view's first byte (byteOffset applied).
static bool get_bytes(napi_env env, napi_value *argv, uint8_t **bytes, size_t *n) {
  bool is = false;
  napi_typedarray_type type;
  size_t count, size;
  void *data;
  int64_t off, len;
  if (napi_is_typedarray(env, argv[0], &is) != napi_ok || !is) return type_error(env, "buf must be a TypedArray"), false;
  if (napi_get_typedarray_info(env, argv[0], &type, &count, &data, NULL, NULL) != napi_ok) return napi_fail(env), false;
  switch (type) {
    case napi_int8_array: case napi_uint8_array: case napi_uint8_clamped_array: size = 1; break;
    case napi_int16_array: case napi_uint16_array: size = 2; break;
    case napi_int32_array: case napi_uint32_array: case napi_float32_array: size = 4; break;
    default: size = 8; break;
  }
  double total = (double)count * (double)size;
  if (!get_int(env, argv[1], 0, total, "offset", &off) || !get_int(env, argv[2], 0, total - (double)off, "length", &len))
    return false;
  *bytes = data != NULL ? (uint8_t *)data + off : NULL;
  *n = (size_t)len;
  return true;
}

// A namespace argument: a path to open, or an fd the caller owns.
struct ns_arg {
  char *path;
  int fd;
};

// Parses netns: a path string or an fd number; with `optional`, null/undefined give neither.
static bool get_ns(napi_env env, napi_value v, bool optional, struct ns_arg *ns) {
  napi_valuetype type;
  int64_t fd;
  ns->path = NULL;
  ns->fd = -1;
  if (napi_typeof(env, v, &type) != napi_ok) return napi_fail(env), false;
  if (optional && (type == napi_null || type == napi_undefined)) return true;
  if (type == napi_string) return (ns->path = get_string(env, v, "netns")) != NULL;
  if (type != napi_number) return type_error(env, "netns must be a path string or an fd number"), false;
  if (!get_int(env, v, 0, INT32_MAX, "netns", &fd)) return false;
  ns->fd = (int)fd;
  return true;
}

// ---- Namespace switching -----------------------------------------------------------------------

// Moves the calling thread into ns. setns(CLONE_NEWNET) is per thread and only changes which
// namespace new sockets are created in; existing fds keep theirs. On success *self is the thread's
// previous namespace; on failure nothing changed and *syscall/*path say what failed.
static int ns_enter(const struct ns_arg *ns, int *self, int *target, const char **syscall, const char **path) {
  *syscall = "open";
  *path = ns->path;
  // O_NONBLOCK: a fifo given as a namespace path must fail at setns, not block the thread in open.
  *target = ns->path != NULL ? open(ns->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY) : ns->fd;
  if (*target < 0) return -errno;
  *path = THREAD_NS;
  *self = open(THREAD_NS, O_RDONLY | O_CLOEXEC);
  if (*self >= 0) {
    *syscall = "setns";
    *path = ns->path;
    if (setns(*target, CLONE_NEWNET) == 0) return 0;
    close_quietly(*self);
  }
  int err = errno;
  if (ns->path != NULL) close(*target);
  return -err;
}

// Moves the thread back. If that fails, JS would go on running in the wrong namespace with no way
// to notice, so the process aborts.
static void ns_leave(const struct ns_arg *ns, int self, int target) {
  if (setns(self, CLONE_NEWNET) != 0) {
    fprintf(stderr, "rtnetlink: cannot return to the original network namespace (setns: %s); aborting\n",
            strerror(errno));
    abort();
  }
  close(self);
  if (ns->path != NULL) close(target);
}

// ---- Sockets -----------------------------------------------------------------------------------

// socketOpen(protocol, netns): a non-blocking netlink socket, optionally created inside netns (a
// socket belongs to the namespace current at socket() time), then bound with nl_pid = 0 so the
// kernel picks a unique port id.
static napi_value socket_open(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int64_t protocol;
  struct ns_arg ns;
  int fd, self = -1, target = -1;
  const char *syscall, *path;
  if (!get_args(env, info, 2, argv, NULL) || !get_int(env, argv[0], 0, INT32_MAX, "protocol", &protocol)) return NULL;
  if (!get_ns(env, argv[1], true, &ns)) return NULL;
  if (ns.path != NULL || ns.fd >= 0) {
    int err = ns_enter(&ns, &self, &target, &syscall, &path);
    if (err < 0) {
      free(ns.path);
      return num(env, err);
    }
  }
  fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, (int)protocol);
  int err = fd < 0 ? errno : 0;
  if (self >= 0) ns_leave(&ns, self, target);
  free(ns.path);
  if (fd < 0) return num(env, -err);
  struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    err = errno;
    close(fd);
    return num(env, -err);
  }
  return num(env, fd);
}

// socketNamespace(fd): a new fd (O_CLOEXEC) of the network namespace socket fd belongs to
// (ioctl SIOCGSKNS; needs CAP_NET_ADMIN there), so a second socket can be opened in the very
// namespace of the first even after the path or fd it was opened with names another one.
static napi_value socket_namespace(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int fd;
  if (!get_args(env, info, 1, argv, NULL) || !get_fd(env, argv[0], &fd)) return NULL;
  int ns = ioctl(fd, SIOCGSKNS);
  return num(env, ns < 0 ? -errno : ns);
}

// socketPortId(fd): the nl_pid bind() chose. It is a u32 (autobind hands out values from
// 0xfffff000 down when the tgid is taken), returned as a non-negative number.
static napi_value socket_port_id(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int fd;
  struct sockaddr_nl sa = {0};
  socklen_t len = sizeof sa;
  if (!get_args(env, info, 1, argv, NULL) || !get_fd(env, argv[0], &fd)) return NULL;
  if (getsockname(fd, (struct sockaddr *)&sa, &len) != 0) return num(env, -errno);
  return num(env, sa.nl_pid);
}

// socketSend(fd, buf, offset, length): one datagram to the kernel (nl_pid 0). Requests are
// processed synchronously inside sendto, so replies are already queued when it returns.
static napi_value socket_send(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  int fd;
  uint8_t *bytes;
  size_t len;
  ssize_t n;
  if (!get_args(env, info, 4, argv, NULL) || !get_fd(env, argv[0], &fd) || !get_bytes(env, argv + 1, &bytes, &len))
    return NULL;
  struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
  do n = sendto(fd, bytes, len, 0, (struct sockaddr *)&sa, sizeof sa);
  while (n < 0 && errno == EINTR);
  return num(env, n < 0 ? -errno : n);
}

// The `meta` argument of the receive calls: an Int32Array of at least 4 elements.
static bool get_meta(napi_env env, napi_value v, int32_t **meta) {
  bool is = false;
  napi_typedarray_type type;
  size_t count;
  void *data;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is ||
      napi_get_typedarray_info(env, v, &type, &count, &data, NULL, NULL) != napi_ok || type != napi_int32_array ||
      count < 4)
    return type_error(env, "meta must be an Int32Array of length >= 4"), false;
  *meta = data;
  return true;
}

// The arguments of the receive calls: (fd, buf, offset, length, meta).
static bool get_recv_args(napi_env env, napi_callback_info info, int *fd, uint8_t **bytes, size_t *len, int32_t **meta) {
  napi_value argv[5];
  return get_args(env, info, 5, argv, NULL) && get_fd(env, argv[0], fd) && get_bytes(env, argv + 1, bytes, len) &&
         get_meta(env, argv[4], meta);
}

// socketRecv(fd, buf, offset, length, meta): one datagram. MSG_TRUNC makes the kernel return the
// datagram's real length even when it did not fit; with NETLINK_LISTEN_ALL_NSID the kernel adds a
// SOL_NETLINK cmsg carrying the nsid of the namespace the event came from.
// socketRecvFrom(fd, buf, offset, length, meta): the same with recvfrom: no msghdr or iovec to copy
// in and no control messages (meta[2] is 0, meta[3] -1), ~0.3 us less per datagram here. For every
// socket that does not listen to all namespaces.
static napi_value recv_datagram(napi_env env, napi_callback_info info, bool with_control) {
  int fd;
  uint8_t *bytes;
  size_t len;
  int32_t *meta;
  if (!get_recv_args(env, info, &fd, &bytes, &len, &meta)) return NULL;
  struct sockaddr_nl sa;
  union {
    struct cmsghdr align;
    char buf[4 * CMSG_SPACE(sizeof(int))];
  } control;
  struct iovec iov = {.iov_base = bytes, .iov_len = len};
  struct msghdr msg = {0};
  ssize_t n;
  do {
    memset(&sa, 0, sizeof sa);
    if (with_control) {
      msg = (struct msghdr){.msg_name = &sa, .msg_namelen = sizeof sa, .msg_iov = &iov, .msg_iovlen = 1,
                            .msg_control = control.buf, .msg_controllen = sizeof control.buf};
      n = recvmsg(fd, &msg, MSG_TRUNC | MSG_DONTWAIT);
    } else {
      socklen_t salen = sizeof sa;
      n = recvfrom(fd, bytes, len, MSG_TRUNC | MSG_DONTWAIT, (struct sockaddr *)&sa, &salen);
    }
  } while (n < 0 && errno == EINTR);
  if (n < 0) return num(env, -errno);
  int32_t nsid = -1;
  if (with_control)
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c))
      if (c->cmsg_level == SOL_NETLINK && c->cmsg_type == NETLINK_LISTEN_ALL_NSID && c->cmsg_len >= CMSG_LEN(sizeof(int)))
        memcpy(&nsid, CMSG_DATA(c), sizeof nsid);
  meta[0] = (int32_t)sa.nl_pid;
  meta[1] = (int32_t)sa.nl_groups;
  meta[2] = with_control ? msg.msg_flags : 0;
  meta[3] = nsid;
  return num(env, n);
}

static napi_value socket_recv(napi_env env, napi_callback_info info) {
  return recv_datagram(env, info, true);
}

static napi_value socket_recv_from(napi_env env, napi_callback_info info) {
  return recv_datagram(env, info, false);
}

// socketPending(fd): the length of the datagram at the head of the receive queue, without taking
// it (MSG_PEEK | MSG_TRUNC into no buffer), or -EAGAIN when the queue is empty: the cheapest "did
// anything arrive?" (one recv with no msghdr, no address, no control messages; ~1 us less than
// socketRecv on a machine where a syscall costs ~0.7 us). A pending error (ENOBUFS) is returned once.
static napi_value socket_pending(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int fd;
  ssize_t n;
  if (!get_args(env, info, 1, argv, NULL) || !get_fd(env, argv[0], &fd)) return NULL;
  do n = recv(fd, NULL, 0, MSG_DONTWAIT | MSG_PEEK | MSG_TRUNC);
  while (n < 0 && errno == EINTR);
  return num(env, n < 0 ? -errno : n);
}

// socketSetOption(fd, level, name, value): setsockopt with an int, which every netlink and socket
// option we use takes (NETLINK_ADD_MEMBERSHIP's u32 group included: values up to 2**32-1 wrap).
static napi_value socket_set_option(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  int fd;
  int64_t level, name, value;
  if (!get_args(env, info, 4, argv, NULL) || !get_fd(env, argv[0], &fd) ||
      !get_int(env, argv[1], 0, INT32_MAX, "level", &level) || !get_int(env, argv[2], 0, INT32_MAX, "name", &name) ||
      !get_int(env, argv[3], INT32_MIN, UINT32_MAX, "value", &value))
    return NULL;
  int v = (int)(uint32_t)value;
  return sys_result(env, setsockopt(fd, (int)level, (int)name, &v, sizeof v));
}

// socketGetOption(fd, level, name): getsockopt of an int option.
static napi_value socket_get_option(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int fd, v = 0;
  int64_t level, name;
  socklen_t len = sizeof v;
  if (!get_args(env, info, 3, argv, NULL) || !get_fd(env, argv[0], &fd) ||
      !get_int(env, argv[1], 0, INT32_MAX, "level", &level) || !get_int(env, argv[2], 0, INT32_MAX, "name", &name))
    return NULL;
  if (getsockopt(fd, (int)level, (int)name, &v, &len) != 0) return num(env, -errno);
  return num(env, v);
}

// ---- Poller ------------------------------------------------------------------------------------

// Per-env state: the live pollers, so that an fd never gets two uv_poll_t (libuv keeps one watcher
// per fd and loses the other) and so that teardown can close them.
struct env_data {
  struct poller *pollers;
};

struct poller {
  uv_poll_t handle;
  napi_env env;
  struct env_data *ed;
  struct poller *next;
  napi_ref self; // the JS object: strong while started (an active handle is a GC root), else weak
  napi_async_context async;
  int fd;
  bool started, closed, handle_open, wrapped;
};

static const napi_type_tag POLLER_TAG = {0x72746e6c6e6b706fULL, 0x6c6c65722d763101ULL};

// Runs when libuv has forgotten the handle. This can be after V8 is gone (at exit), so it only
// frees memory, and only once the JS object no longer points at it.
static void poller_closed(uv_handle_t *handle) {
  struct poller *p = handle->data;
  p->handle_open = false;
  if (!p->wrapped) free(p);
}

// Stops for good: unregisters the fd, closes the uv handle, drops the JS references. Idempotent.
static void poller_release(struct poller *p) {
  if (p->closed) return;
  p->closed = true;
  for (struct poller **pp = &p->ed->pollers; *pp != NULL; pp = &(*pp)->next)
    if (*pp == p) {
      *pp = p->next;
      break;
    }
  uv_close((uv_handle_t *)&p->handle, poller_closed);
  napi_delete_reference(p->env, p->self);
  napi_async_destroy(p->env, p->async);
}

// The JS object was collected (only possible while stopped) or the env is going away.
static void poller_finalize(napi_env env, void *data, void *hint) {
  struct poller *p = data;
  (void)env;
  (void)hint;
  poller_release(p);
  p->wrapped = false;
  if (!p->handle_open) free(p);
}

// Env teardown runs this before Node-API finalizers (cleanup hooks run in reverse order of
// registration): close every handle while JS references can still be released.
static void env_cleanup(void *arg) {
  struct env_data *ed = arg;
  while (ed->pollers != NULL) poller_release(ed->pollers);
  free(ed);
}

// libuv saw the fd readable (level-triggered). On EPOLLERR, which netlink raises when the receive
// queue overflowed (sk_err = ENOBUFS), libuv stops the handle and reports UV_EBADF; the callback's
// recv() then returns -ENOBUFS and clears the error, and the handle is re-armed while JS wants it.
static void poller_event(uv_poll_t *handle, int status, int events) {
  struct poller *p = handle->data;
  napi_env env = p->env;
  napi_handle_scope scope;
  napi_value self = NULL, cb, global, arg, result, error;
  (void)events;
  if (p->closed || napi_open_handle_scope(env, &scope) != napi_ok) return;
  if (napi_get_reference_value(env, p->self, &self) == napi_ok && self != NULL &&
      napi_get_named_property(env, self, "onReadable", &cb) == napi_ok && napi_get_global(env, &global) == napi_ok &&
      napi_create_int32(env, status, &arg) == napi_ok &&
      napi_make_callback(env, p->async, global, cb, 1, &arg, &result) == napi_pending_exception &&
      napi_get_and_clear_last_exception(env, &error) == napi_ok)
    napi_fatal_exception(env, error); // an uncaught exception, as from any other event callback
  napi_close_handle_scope(env, scope);
  if (status < 0 && p->started && !p->closed && fcntl(p->fd, F_GETFD) >= 0)
    uv_poll_start(&p->handle, UV_READABLE, poller_event);
}

// `this` of a poller method, checked by type tag; NULL with a TypeError pending otherwise.
static struct poller *this_poller(napi_env env, napi_callback_info info) {
  napi_value self;
  bool ok = false;
  void *p = NULL;
  if (napi_get_cb_info(env, info, NULL, NULL, &self, NULL) != napi_ok) return napi_fail(env), NULL;
  if (napi_check_object_type_tag(env, self, &POLLER_TAG, &ok) != napi_ok || !ok || napi_unwrap(env, self, &p) != napi_ok)
    return type_error(env, "this is not a NativePoller"), NULL;
  return p;
}

// start(): epoll for readability. uv_poll_start on a closed fd would make libuv abort in
// epoll_ctl, so a bad fd is reported (EBADF) instead.
static napi_value poller_start(napi_env env, napi_callback_info info) {
  struct poller *p = this_poller(env, info);
  if (p == NULL || p->closed || p->started) return NULL;
  if (fcntl(p->fd, F_GETFD) < 0) return throw_errno(env, errno, "uv_poll_start", NULL);
  int r = uv_poll_start(&p->handle, UV_READABLE, poller_event);
  if (r < 0) return throw_errno(env, -r, "uv_poll_start", NULL);
  CHECK(env, napi_reference_ref(env, p->self, NULL));
  p->started = true;
  return NULL;
}

// stop(): out of the epoll set; the object becomes collectable again.
static napi_value poller_stop(napi_env env, napi_callback_info info) {
  struct poller *p = this_poller(env, info);
  if (p == NULL || p->closed || !p->started) return NULL;
  uv_poll_stop(&p->handle);
  p->started = false;
  CHECK(env, napi_reference_unref(env, p->self, NULL));
  return NULL;
}

// ref()/unref(): whether the active handle keeps the event loop (and process) alive.
static napi_value poller_ref(napi_env env, napi_callback_info info) {
  struct poller *p = this_poller(env, info);
  if (p != NULL && !p->closed) uv_ref((uv_handle_t *)&p->handle);
  return NULL;
}

static napi_value poller_unref(napi_env env, napi_callback_info info) {
  struct poller *p = this_poller(env, info);
  if (p != NULL && !p->closed) uv_unref((uv_handle_t *)&p->handle);
  return NULL;
}

// close(): stops for good; later calls on the object are no-ops.
static napi_value poller_close(napi_env env, napi_callback_info info) {
  struct poller *p = this_poller(env, info);
  if (p != NULL) poller_release(p);
  return NULL;
}

// pollerCreate(fd, onReadable): a uv_poll_t on fd wrapped in a JS object that holds the callback.
// The callback runs through napi_make_callback so async_hooks and the microtask queue behave as
// for any I/O callback.
static napi_value poller_create(napi_env env, napi_callback_info info) {
  napi_value argv[2], obj, name;
  napi_valuetype type;
  struct env_data *ed;
  uv_loop_t *loop;
  int fd;
  if (!get_args(env, info, 2, argv, (void **)&ed) || !get_fd(env, argv[0], &fd)) return NULL;
  CHECK(env, napi_typeof(env, argv[1], &type));
  if (type != napi_function) return type_error(env, "onReadable must be a function");
  for (struct poller *q = ed->pollers; q != NULL; q = q->next)
    if (q->fd == fd) return throw_errno(env, EEXIST, "uv_poll_init", NULL);
  napi_property_descriptor props[] = {
      {"start", NULL, poller_start, NULL, NULL, NULL, napi_default_method, NULL},
      {"stop", NULL, poller_stop, NULL, NULL, NULL, napi_default_method, NULL},
      {"ref", NULL, poller_ref, NULL, NULL, NULL, napi_default_method, NULL},
      {"unref", NULL, poller_unref, NULL, NULL, NULL, napi_default_method, NULL},
      {"close", NULL, poller_close, NULL, NULL, NULL, napi_default_method, NULL},
      {"onReadable", NULL, NULL, NULL, NULL, argv[1], napi_default, NULL},
  };
  CHECK(env, napi_get_uv_event_loop(env, &loop));
  CHECK(env, napi_create_object(env, &obj));
  CHECK(env, napi_define_properties(env, obj, sizeof props / sizeof *props, props));
  CHECK(env, napi_type_tag_object(env, obj, &POLLER_TAG));
  CHECK(env, napi_create_string_utf8(env, "RTNETLINK_POLLER", NAPI_AUTO_LENGTH, &name));
  struct poller *p = calloc(1, sizeof *p);
  if (p == NULL) return napi_throw_error(env, "ENOMEM", "out of memory"), NULL;
  p->env = env;
  p->ed = ed;
  p->fd = fd;
  p->handle.data = p;
  if (napi_async_init(env, obj, name, &p->async) != napi_ok) return free(p), napi_fail(env);
  if (napi_create_reference(env, obj, 0, &p->self) != napi_ok) {
    napi_async_destroy(env, p->async);
    return free(p), napi_fail(env);
  }
  int r = uv_poll_init(loop, &p->handle, fd);
  if (r < 0) {
    napi_delete_reference(env, p->self);
    napi_async_destroy(env, p->async);
    free(p);
    return throw_errno(env, -r, "uv_poll_init", NULL);
  }
  p->handle_open = true;
  p->next = ed->pollers;
  ed->pollers = p;
  if (napi_wrap(env, obj, p, poller_finalize, NULL, NULL) != napi_ok) {
    poller_release(p); // not wrapped: poller_closed frees it
    return napi_fail(env);
  }
  p->wrapped = true;
  return obj;
}

// socketClose(fd): close(2). A poller still watching fd is closed first: an fd closed under epoll
// silently leaves the epoll set, and its number, once reused, would collide in libuv.
static napi_value socket_close(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  struct env_data *ed;
  int fd;
  if (!get_args(env, info, 1, argv, (void **)&ed) || !get_fd(env, argv[0], &fd)) return NULL;
  for (struct poller *q = ed->pollers, *next; q != NULL; q = next) {
    next = q->next;
    if (q->fd == fd) poller_release(q);
  }
  return sys_result(env, close(fd));
}

// A close(2) queued on libuv's thread pool.
struct close_work {
  napi_async_work work;
  int fd;
};

static void close_work_execute(napi_env env, void *data) {
  (void)env;
  close(((struct close_work *)data)->fd);
}

static void close_work_complete(napi_env env, napi_status status, void *data) {
  struct close_work *w = data;
  (void)status;
  napi_delete_async_work(env, w->work);
  free(w);
}

// socketCloseLater(fd): close(2) on a libuv worker thread, for sockets whose release blocks the
// caller: closing an AF_PACKET socket waits for an RCU grace period (synchronize_net, ~5-20 ms),
// which must not stall the event loop. The fd stays allocated (its number is not reused) until the
// worker closes it; the caller must not use it any more. Pollers on it are closed first, as by
// socketClose. Returns 0.
static napi_value socket_close_later(napi_env env, napi_callback_info info) {
  napi_value argv[1], name;
  struct env_data *ed;
  int fd;
  if (!get_args(env, info, 1, argv, (void **)&ed) || !get_fd(env, argv[0], &fd)) return NULL;
  for (struct poller *q = ed->pollers, *next; q != NULL; q = next) {
    next = q->next;
    if (q->fd == fd) poller_release(q);
  }
  struct close_work *w = calloc(1, sizeof *w);
  if (w == NULL) return napi_throw_error(env, "ENOMEM", "out of memory"), NULL;
  w->fd = fd;
  if (napi_create_string_utf8(env, "RTNETLINK_CLOSE", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, close_work_execute, close_work_complete, w, &w->work) != napi_ok) {
    free(w);
    return napi_fail(env);
  }
  if (napi_queue_async_work(env, w->work) != napi_ok) {
    napi_delete_async_work(env, w->work);
    free(w);
    return napi_fail(env);
  }
  return num(env, 0);
}

// ---- Namespaces and mounts ---------------------------------------------------------------------

struct ns_job {
  const char *path;
  int err;
};

// The helper thread: a fresh network namespace for this thread alone, pinned by bind-mounting its
// nsfs inode onto the file. When the thread exits, the mount keeps the namespace alive.
static void ns_create_thread(void *arg) {
  struct ns_job *job = arg;
  if (unshare(CLONE_NEWNET) != 0 || mount(THREAD_NS, job->path, "none", MS_BIND, NULL) != 0) job->err = errno;
}

// namespaceCreate(path): the mount point file (O_EXCL: never reuse someone else's), then the
// namespace on a dedicated thread so that no JS thread ever leaves its namespace.
static napi_value namespace_create(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  uv_thread_t thread;
  if (!get_args(env, info, 1, argv, NULL)) return NULL;
  struct ns_job job = {.path = get_string(env, argv[0], "path"), .err = 0};
  if (job.path == NULL) return NULL;
  int fd = open(job.path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
  if (fd < 0) job.err = errno;
  else {
    close(fd);
    // libuv's thread (a pthread underneath) rather than pthread_create, which glibc 2.34 re-versioned:
    // linking it directly would make the prebuilt binary refuse older glibc.
    int rc = uv_thread_create(&thread, ns_create_thread, &job);
    if (rc != 0) job.err = -rc;
    else uv_thread_join(&thread);
    if (job.err != 0) unlink(job.path);
  }
  free((char *)job.path);
  return num(env, -job.err);
}

// mount(source, target, fstype, flags): mount(2) without data (bind mounts, propagation changes).
static napi_value do_mount(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  char *source = NULL, *target = NULL, *fstype = NULL;
  int64_t flags;
  napi_value result = NULL;
  if (get_args(env, info, 4, argv, NULL) && get_optional_string(env, argv[0], "source", &source) &&
      (target = get_string(env, argv[1], "target")) != NULL && get_optional_string(env, argv[2], "fstype", &fstype) &&
      get_int(env, argv[3], 0, UINT32_MAX, "flags", &flags))
    result = sys_result(env, mount(source, target, fstype, (unsigned long)flags, NULL));
  free(source);
  free(target);
  free(fstype);
  return result;
}

// umount(target, flags): umount2(2); MNT_DETACH lets a namespace in use outlive its file.
static napi_value do_umount(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  char *target;
  int64_t flags;
  if (!get_args(env, info, 2, argv, NULL) || (target = get_string(env, argv[0], "target")) == NULL) return NULL;
  napi_value result = get_int(env, argv[1], 0, INT32_MAX, "flags", &flags) ? sys_result(env, umount2(target, (int)flags)) : NULL;
  free(target);
  return result;
}

// invokeInNamespace(netns, fn): fn() with this thread in netns. Sockets fn opens (and /proc/thread-
// self/net files it reads) belong to netns; the thread always comes back before we return or
// rethrow.
static napi_value invoke_in_namespace(napi_env env, napi_callback_info info) {
  napi_value argv[2], global, result = NULL;
  napi_valuetype type;
  struct ns_arg ns;
  int self, target;
  const char *syscall, *path;
  if (!get_args(env, info, 2, argv, NULL)) return NULL;
  CHECK(env, napi_typeof(env, argv[1], &type));
  if (type != napi_function) return type_error(env, "fn must be a function");
  CHECK(env, napi_get_global(env, &global));
  if (!get_ns(env, argv[0], false, &ns)) return NULL;
  int err = ns_enter(&ns, &self, &target, &syscall, &path);
  if (err < 0) {
    throw_errno(env, -err, syscall, path);
    free(ns.path);
    return NULL;
  }
  napi_status st = napi_call_function(env, global, argv[1], 0, NULL, &result);
  ns_leave(&ns, self, target);
  free(ns.path);
  return st == napi_ok ? result : napi_fail(env); // a pending exception from fn propagates as is
}

// ---- /proc/sys/net of another namespace --------------------------------------------------------

// A /proc/sys/net file opened by a dedicated thread that enters the namespace and ends. A sysctl
// file belongs to the namespace of the task that opens it, and the fd keeps pointing there from
// any thread. The thread never comes back: no thread of the process is left in a foreign
// namespace, and no JS thread changes namespace.
struct proc_sys_job {
  int nsfd;
  const char *path;
  int flags;  // O_RDONLY or O_WRONLY
  int result; // an fd, or -errno
};

// Never through a symlink (O_NOFOLLOW). /proc/sys holds only directories and regular files; a
// directory fails at open for writing and at read (EISDIR). No fstat here: glibc 2.33
// re-versioned it, which would tie the prebuilt binary to glibc >= 2.33.
static void proc_sys_thread(void *arg) {
  struct proc_sys_job *job = arg;
  if (setns(job->nsfd, CLONE_NEWNET) != 0) {
    job->result = -errno;
    return;
  }
  int fd = open(job->path, job->flags | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
  job->result = fd < 0 ? -errno : fd;
}

// True for "/proc/sys/net/" followed by segments that are neither empty, "." nor "..".
static bool is_proc_sys_net_path(const char *path) {
  static const char prefix[] = "/proc/sys/net/";
  if (strncmp(path, prefix, sizeof prefix - 1) != 0) return false;
  for (const char *seg = path + sizeof prefix - 1;;) {
    const char *end = strchr(seg, '/');
    size_t n = end != NULL ? (size_t)(end - seg) : strlen(seg);
    if (n == 0 || (n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.')) return false;
    if (end == NULL) return true;
    seg = end + 1;
  }
}

// procSysOpen(netns, path, writable): an fd of the /proc/sys/net file `path` as the namespace
// sees it (sysctl files resolve the namespace of the task that opens them), opened on a thread
// inside netns. Paths outside /proc/sys/net, or with empty, "." or ".." segments, are a TypeError.
static napi_value proc_sys_open(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  struct ns_arg ns;
  int64_t writable;
  if (!get_args(env, info, 3, argv, NULL) || !get_int(env, argv[2], 0, 1, "writable", &writable)) return NULL;
  char *path = get_string(env, argv[1], "path");
  if (path == NULL) return NULL;
  if (strlen(path) >= 4096 || !is_proc_sys_net_path(path)) {
    free(path);
    return type_error(env, "path must be a file under /proc/sys/net/ without empty, . or .. segments");
  }
  if (!get_ns(env, argv[0], false, &ns)) return free(path), NULL;
  struct proc_sys_job job = {.path = path, .flags = writable ? O_WRONLY : O_RDONLY, .result = -EINVAL};
  uv_thread_t thread;
  job.nsfd = ns.path != NULL ? open(ns.path, O_RDONLY | O_CLOEXEC) : ns.fd;
  if (job.nsfd < 0) job.result = -errno;
  else {
    // libuv's thread rather than pthread_create (see namespace_create).
    int rc = uv_thread_create(&thread, proc_sys_thread, &job);
    if (rc != 0) job.result = rc; // already a negative errno
    else uv_thread_join(&thread);
    if (ns.path != NULL) close(job.nsfd);
  }
  free(ns.path);
  free(path);
  return num(env, job.result);
}

// packetOpen(netns, ifindex, protocol): a non-blocking AF_PACKET SOCK_RAW socket made inside netns
// (as socketOpen: this thread enters netns for the socket() call and comes back at once), bound
// to link `ifindex` of that namespace (0: every link) and ethertype `protocol` (host order; 0
// receives nothing, 3 = ETH_P_ALL everything). Frames are whole Ethernet frames both ways; read
// them with socketRecv, close with socketClose or socketCloseLater.
static napi_value packet_open(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  struct ns_arg ns;
  int64_t ifindex, protocol;
  int self, target;
  const char *syscall, *path;
  if (!get_args(env, info, 3, argv, NULL) || !get_int(env, argv[1], 0, INT32_MAX, "ifindex", &ifindex) ||
      !get_int(env, argv[2], 0, 0xffff, "protocol", &protocol) || !get_ns(env, argv[0], false, &ns))
    return NULL;
  int err = ns_enter(&ns, &self, &target, &syscall, &path);
  if (err < 0) {
    free(ns.path);
    return num(env, err);
  }
  uint16_t proto = htons((uint16_t)protocol);
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, proto);
  err = fd < 0 ? errno : 0;
  ns_leave(&ns, self, target);
  free(ns.path);
  if (fd < 0) return num(env, -err);
  // bind() resolves the ifindex in the socket's namespace, not the thread's: safe out here.
  struct sockaddr_ll sa = {.sll_family = AF_PACKET, .sll_protocol = proto, .sll_ifindex = (int)ifindex};
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    err = errno;
    close(fd);
    return num(env, -err);
  }
  return num(env, fd);
}

// packetSend(fd, ifindex, protocol, buf, offset, length): one whole Ethernet frame out of link
// `ifindex` (of the socket's namespace); `protocol` is the frame's ethertype (host order).
static napi_value packet_send(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  int fd;
  int64_t ifindex, protocol;
  uint8_t *bytes;
  size_t len;
  ssize_t n;
  if (!get_args(env, info, 6, argv, NULL) || !get_fd(env, argv[0], &fd) ||
      !get_int(env, argv[1], 1, INT32_MAX, "ifindex", &ifindex) || !get_int(env, argv[2], 0, 0xffff, "protocol", &protocol) ||
      !get_bytes(env, argv + 3, &bytes, &len))
    return NULL;
  struct sockaddr_ll sa = {.sll_family = AF_PACKET, .sll_protocol = htons((uint16_t)protocol), .sll_ifindex = (int)ifindex};
  do n = sendto(fd, bytes, len, 0, (struct sockaddr *)&sa, sizeof sa);
  while (n < 0 && errno == EINTR);
  return num(env, n < 0 ? -errno : n);
}

// tunCreate(netns, name, flags, owner, group, fds): a tun or tap device `name` ("": the kernel
// picks tun0, tap0 …) made inside netns (an fd), as `ip tuntap add` makes one: /dev/net/tun opened
// inside netns (a tun device belongs to the namespace its file was opened in), TUNSETIFF with
// `flags` plus IFF_TUN_EXCL (an existing name is -EEXIST, never an attach to that device),
// TUNSETOWNER / TUNSETGROUP unless -1. With an empty `fds` (an Int32Array) the device is made
// persistent (TUNSETPERSIST) and its file closed; otherwise it stays as long as one of its files is
// open: one file per element of `fds`, the first making the device, each further one attached as
// another queue (IFF_MULTI_QUEUE), written into `fds` (close-on-exec; O_NONBLOCK if `flags` has
// bit 0x10000, which TUNSETIFF never sees). With bit 0x20000 the device `name` must exist already:
// every file attaches to it as a queue (no IFF_TUN_EXCL, no owner, group or persistence). A failure
// at any step closes every file it opened (and leaves no device it made). Returns the ifindex.
#define TUN_OPEN_NONBLOCK 0x10000
#define TUN_OPEN_ATTACH 0x20000
static napi_value tun_create(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  int nsfd;
  int64_t flags, owner, group;
  if (!get_args(env, info, 6, argv, NULL) || !get_fd(env, argv[0], &nsfd) ||
      !get_int(env, argv[2], 0, 0x3ffff, "flags", &flags) || !get_int(env, argv[3], -1, UINT32_MAX - 1, "owner", &owner) ||
      !get_int(env, argv[4], -1, UINT32_MAX - 1, "group", &group))
    return NULL;
  napi_typedarray_type type;
  size_t nfds;
  void *data;
  bool is_typed;
  if (napi_is_typedarray(env, argv[5], &is_typed) != napi_ok) return napi_fail(env);
  if (!is_typed) return type_error(env, "fds must be an Int32Array");
  if (napi_get_typedarray_info(env, argv[5], &type, &nfds, &data, NULL, NULL) != napi_ok) return napi_fail(env);
  if (type != napi_int32_array || nfds > 256) return type_error(env, "fds must be an Int32Array of at most 256 elements");
  bool attach = (flags & TUN_OPEN_ATTACH) != 0;
  if (attach && nfds == 0) return type_error(env, "attaching to a device needs at least one file");
  int32_t *fds = data;
  char *name = get_string(env, argv[1], "name");
  if (name == NULL) return NULL;
  size_t len = strlen(name);
  if (len >= IFNAMSIZ) {
    free(name);
    return type_error(env, "name must be at most 15 bytes");
  }
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  memcpy(ifr.ifr_name, name, len);
  free(name);
  short tun_flags = (short)(flags & 0xffff);
  int open_flags = O_RDWR | O_CLOEXEC | ((flags & TUN_OPEN_NONBLOCK) ? O_NONBLOCK : 0);
  struct ns_arg ns = {.path = NULL, .fd = nsfd};
  int self, target;
  const char *syscall, *path;
  int err = ns_enter(&ns, &self, &target, &syscall, &path);
  if (err < 0) return num(env, err);
  // Everything runs inside netns: the device belongs to the namespace the file was opened in, and
  // if_nametoindex asks through a socket of the thread's namespace.
  size_t want = nfds == 0 ? 1 : nfds, opened = 0;
  int files[256];
  // Attaching: the device must be there (TUNSETIFF would make a new one of that name).
  err = attach && if_nametoindex(ifr.ifr_name) == 0 ? -ENODEV : 0;
  for (size_t i = 0; i < want && err == 0; i++) {
    int fd = open("/dev/net/tun", open_flags);
    if (fd < 0) {
      err = -errno;
      break;
    }
    files[opened++] = fd;
    // The first file makes the device (EXCL); the others attach to it by its final name.
    ifr.ifr_flags = (short)(tun_flags | (i == 0 && !attach ? IFF_TUN_EXCL : 0));
    if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
      // With IFF_TUN_EXCL the kernel says EBUSY for a name that exists (tun_set_iff): the EEXIST
      // RTM_NEWLINK says. A later queue's EBUSY is the kernel's own.
      err = errno == EBUSY && i == 0 && !attach ? -EEXIST : -errno;
    } else if (i == 0 && !attach && ((owner >= 0 && ioctl(fd, TUNSETOWNER, (unsigned long)owner) != 0) ||
                        (group >= 0 && ioctl(fd, TUNSETGROUP, (unsigned long)group) != 0)))
      err = -errno;
  }
  if (err == 0 && nfds == 0 && ioctl(files[0], TUNSETPERSIST, 1UL) != 0) err = -errno;
  if (err == 0) {
    // TUNSETIFF wrote back the device's final name (a "%d" in it is expanded by the kernel).
    ifr.ifr_name[IFNAMSIZ - 1] = 0;
    unsigned int ifindex = if_nametoindex(ifr.ifr_name);
    if (ifindex == 0) {
      err = -errno;
      // Not found by its own name (renamed already?): not persistent any more, it goes with its files.
      if (nfds == 0) ioctl(files[0], TUNSETPERSIST, 0UL);
    } else {
      err = (int)ifindex;
    }
  }
  if (err < 0 || nfds == 0) {
    for (size_t i = 0; i < opened; i++) close(files[i]);
  } else {
    for (size_t i = 0; i < nfds; i++) fds[i] = files[i];
  }
  ns_leave(&ns, self, target);
  return num(env, err);
}

// ---- Reading the package's code cache ----------------------------------------------------------

// Node-API's external Latin-1 string: a JS string over memory the addon owns, no copy. Experimental in
// Node 20.4+ (stable as of Node-API 10), absent before 20.4: a weak reference is NULL where Node
// lacks it. Used without a finalizer only: Node 20 crashes tearing down a worker that made one with a
// finalizer (seen here: SIGSEGV at worker.terminate()), so such a string's memory is never given back
// and fileReadScript makes one only for a script's source, which lives as long as the process anyway.
extern napi_status node_api_create_external_string_latin1(napi_env env, char *str, size_t length,
                                                          napi_finalize finalize_callback, void *finalize_hint,
                                                          napi_value *result, bool *copied) __attribute__((weak));

// Largest read fileReadScript does (256 MiB in all): more than any file it is meant for, less than a
// V8 string may hold.
#define FILE_READ_MAX (1 << 28)

// Reads of at least this many bytes go into huge pages (see fresh_memory).
#define FILE_READ_HUGE (256 << 10)
// The size of a transparent huge page with 4 KiB pages (x86-64, arm64): a PMD's reach.
#define HUGE_PAGE (2 << 20)
// linux/mman.h (Linux 5.14): populate (prefault) a range writable, as MAP_POPULATE does at mmap.
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

// Pages of a mapping to unmap when an ArrayBuffer over them is collected.
struct mapping {
  void *addr;
  size_t length;
};

// Finalizer of an ArrayBuffer over (part of) a mapping: unmaps its pages. Also called with env NULL
// when Node's environment is gone (process or worker exit).
static void mapping_release(napi_env env, void *data, void *hint) {
  (void)env;
  (void)data;
  struct mapping *m = hint;
  if (m->length > 0) munmap(m->addr, m->length);
  free(m);
}

// Whether the calling thread is the process's first thread (its thread id is the process id): the
// main thread of a plain `node`, never a worker's.
static bool on_main_thread(void) {
  return syscall(SYS_gettid) == getpid();
}

// Fresh, writable, prefaulted memory for `length` bytes (> 0); sets *mapped to the length mapped
// (a whole number of pages), or returns MAP_FAILED (errno set). At least FILE_READ_HUGE bytes, on
// a system of 4 KiB pages: whole 2 MiB huge pages, aligned and advised MADV_HUGEPAGE. Where
// transparent huge pages are enabled, one fault then maps each 2 MiB instead of 512 faults, and the
// first writes cost nothing more; where page-table updates are expensive (a VM that shadows the
// guest's page tables: here a 4 KiB page's first write costs ~7 µs even after MAP_POPULATE), that is
// ~0.2 ms instead of ~1.6 ms for the ~850 KB of the library's cache. Where they are not enabled,
// only `length` bytes' pages are populated, as MAP_POPULATE does for smaller reads.
static char *fresh_memory(size_t length, size_t *mapped) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t pages = (length + page - 1) / page * page;
  if (length >= FILE_READ_HUGE && page == 4096) {
    size_t whole = (length + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    char *raw = mmap(NULL, whole + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) return MAP_FAILED;
    // Keep the aligned `whole` bytes; give back the slack before and after them.
    char *addr = (char *)(((uintptr_t)raw + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
    if (addr > raw) munmap(raw, (size_t)(addr - raw));
    munmap(addr + whole, (size_t)(raw + HUGE_PAGE - addr));
    // Advice only: where either fails (an old kernel), the reads fault the pages in.
    madvise(addr, whole, MADV_HUGEPAGE);
    madvise(addr, pages, MADV_POPULATE_WRITE);
    *mapped = whole;
    return addr;
  }
  *mapped = pages;
  return mmap(NULL, pages, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
}

// Reads exactly `length` bytes of fd from `offset` into `to`: 0, or the errno (EIO when the file
// ends first: a file truncated meanwhile).
static int read_exactly(int fd, char *to, size_t length, int64_t offset) {
  size_t done = 0;
  while (done < length) {
    ssize_t n = pread(fd, to + done, length - done, (off_t)(offset + (int64_t)done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n < 0 ? errno : EIO;
    done += (size_t)n;
  }
  return 0;
}

// fileReadScript(fd, offset, sourceLength, cacheLength): a script's source and its V8 code cache,
// stored one after the other in the file fd from `offset`, as [source, cache]: `source` a Latin-1
// string of sourceLength (>= 1) bytes, `cache` an ArrayBuffer of the cacheLength bytes after them.
// Both are read (pread) into one mapping of fresh memory (huge pages when large: see fresh_memory),
// the cache at an 8-byte-aligned address (V8 copies cache data that is not). On the process's
// main thread, where Node offers external strings, the source is a string over that memory: never
// copied nor unmapped (a script's source lives as long as the process); elsewhere (a worker: see
// the external string above) it is copied. When the ArrayBuffer is collected, the pages after the
// source's (all of them when it was copied) are unmapped. -errno when mmap or pread fails, -EIO
// when the file ends first (truncated meanwhile: nothing is returned over a part never read).
static napi_value file_read_script(napi_env env, napi_callback_info info) {
  napi_value argv[4], pair, source, cache;
  int fd;
  int64_t offset, source_length, cache_length;
  if (!get_args(env, info, 4, argv, NULL) || !get_fd(env, argv[0], &fd) ||
      !get_int(env, argv[1], 0, 9007199254740991.0, "offset", &offset) ||
      !get_int(env, argv[2], 1, FILE_READ_MAX / 2, "sourceLength", &source_length) ||
      !get_int(env, argv[3], 0, FILE_READ_MAX / 2, "cacheLength", &cache_length))
    return NULL;
  size_t cache_at = ((size_t)source_length + 7) & ~(size_t)7;
  size_t mapped;
  char *addr = fresh_memory(cache_at + (size_t)cache_length, &mapped);
  if (addr == MAP_FAILED) return num(env, -errno);
  int err = read_exactly(fd, addr, (size_t)source_length, offset);
  if (err == 0) err = read_exactly(fd, addr + cache_at, (size_t)cache_length, offset + source_length);
  if (err != 0) return munmap(addr, mapped), num(env, -err);
  // The source: over the mapping (kept) or copied.
  bool kept = false;
  napi_status status;
  if (node_api_create_external_string_latin1 != NULL && on_main_thread()) {
    bool copied = false;
    status = node_api_create_external_string_latin1(env, addr, (size_t)source_length, NULL, NULL, &source, &copied);
    kept = status == napi_ok && !copied;
  } else {
    status = napi_create_string_latin1(env, addr, (size_t)source_length, &source);
  }
  // The cache: its finalizer unmaps every page the source does not keep.
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t keep = kept ? ((size_t)source_length + page - 1) / page * page : 0;
  struct mapping *m = status == napi_ok ? malloc(sizeof *m) : NULL;
  if (m == NULL) {
    if (mapped > keep) munmap(addr + keep, mapped - keep);
    if (status == napi_ok) napi_throw_error(env, "ENOMEM", "out of memory");
    return status == napi_ok ? NULL : napi_fail(env);
  }
  m->addr = addr + keep;
  m->length = mapped - keep;
  if (napi_create_external_arraybuffer(env, addr + cache_at, (size_t)cache_length, mapping_release, m, &cache) != napi_ok) {
    // Node has not taken the memory (it calls the finalizer only for a value it made).
    mapping_release(env, NULL, m);
    return napi_fail(env);
  }
  CHECK(env, napi_create_array_with_length(env, 2, &pair));
  CHECK(env, napi_set_element(env, pair, 0, source));
  CHECK(env, napi_set_element(env, pair, 1, cache));
  return pair;
}

// What statx(2) fills (linux/stat.h's struct statx: one layout on every architecture), under a name of
// its own: glibc's headers define struct statx and musl's (before 1.2.5) do not, and linux/stat.h
// clashes with musl's S_IF* macros. The stat family is not used: glibc 2.33 re-versioned it, which
// would tie the prebuilt binary to glibc >= 2.33; statx (glibc 2.28's wrapper, musl 1.2.5's) is
// called as a system call, as libuv does. Linux 4.11+; before, ENOSYS (the loader then uses fs).
struct file_statx {
  uint32_t mask, blksize;
  uint64_t attributes;
  uint32_t nlink, uid, gid;
  uint16_t mode, spare0;
  uint64_t ino, size, blocks, attributes_mask;
  struct {
    int64_t sec;
    uint32_t nsec;
    int32_t reserved;
  } atime, btime, ctime, mtime;
  uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
  uint64_t spare2[14];
};
#define FILE_STATX_TYPE 0x1u
#define FILE_STATX_INO 0x100u
#define FILE_STATX_SIZE 0x200u
#define FILE_STATX_TIMES 0xc0u // STATX_CTIME | STATX_MTIME
#define FILE_S_IFMT 0170000
#define FILE_S_IFREG 0100000

// statx(2) of `path` relative to `dirfd` (AT_EMPTY_PATH with "": of dirfd itself): 0 or -errno.
static int file_statx(int dirfd, const char *path, int flags, unsigned mask, struct file_statx *st) {
  memset(st, 0, sizeof *st);
  return syscall(SYS_statx, dirfd, path, flags, mask, st) == 0 ? 0 : -errno;
}

// The most header bytes fileOpen reads.
#define FILE_HEAD_MAX 4096

// fileOpen(path, headLength): opens the regular file at `path` read-only (close-on-exec; without
// blocking, so a FIFO put there cannot hang the caller) and returns [fd, size, head]: its size in
// bytes and its first min(size, headLength) bytes as a Latin-1 string (a header to parse); the
// caller closes fd. -errno when open or statx fails, -EINVAL when it is no regular file (then
// nothing stays open). One call where fs takes three (open, read, fstat), each costing a first-call
// compile in a fresh process (~0.5 ms in all here).
static napi_value file_open(napi_env env, napi_callback_info info) {
  napi_value argv[2], result, value;
  int64_t head_length;
  char head[FILE_HEAD_MAX];
  if (!get_args(env, info, 2, argv, NULL) || !get_int(env, argv[1], 0, FILE_HEAD_MAX, "headLength", &head_length))
    return NULL;
  char *path = get_string(env, argv[0], "path");
  if (path == NULL) return NULL;
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  free(path);
  if (fd < 0) return num(env, -errno);
  struct file_statx st;
  int rc = file_statx(fd, "", AT_EMPTY_PATH, FILE_STATX_TYPE | FILE_STATX_SIZE, &st);
  if (rc < 0) return close(fd), num(env, rc);
  if ((st.mode & FILE_S_IFMT) != FILE_S_IFREG) return close(fd), num(env, -EINVAL);
  size_t want = (size_t)head_length < st.size ? (size_t)head_length : (size_t)st.size, got = 0;
  while (got < want) {
    ssize_t n = pread(fd, head + got, want - got, (off_t)got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return close_quietly(fd), num(env, -errno);
    if (n == 0) break; // truncated since the statx: the header is what is there
    got += (size_t)n;
  }
  if (napi_create_array_with_length(env, 3, &result) != napi_ok || napi_create_int64(env, fd, &value) != napi_ok ||
      napi_set_element(env, result, 0, value) != napi_ok || napi_create_int64(env, (int64_t)st.size, &value) != napi_ok ||
      napi_set_element(env, result, 1, value) != napi_ok ||
      napi_create_string_latin1(env, head, got, &value) != napi_ok || napi_set_element(env, result, 2, value) != napi_ok) {
    close(fd);
    return napi_fail(env);
  }
  return result;
}

// fileStamp(path): what identifies the file at `path` (followed if a symlink) as the very file it
// was: "dev:ino:size:mtimeNs:ctimeNs" in decimal, as fs.statSync(path, { bigint: true }) gives them;
// -errno when statx fails. (One call; fs's first bigint stat costs ~0.4 ms in a fresh process.)
static napi_value file_stamp(napi_env env, napi_callback_info info) {
  napi_value argv[1], result;
  if (!get_args(env, info, 1, argv, NULL)) return NULL;
  char *path = get_string(env, argv[0], "path");
  if (path == NULL) return NULL;
  struct file_statx st;
  int rc = file_statx(AT_FDCWD, path, 0, FILE_STATX_INO | FILE_STATX_SIZE | FILE_STATX_TIMES, &st);
  free(path);
  if (rc < 0) return num(env, rc);
  // The device number as Node and libuv make it from statx's major and minor (glibc's makedev).
  unsigned long long dev = ((unsigned long long)(st.dev_major & 0xfffff000u) << 32) | ((st.dev_major & 0xfffu) << 8) |
                           ((unsigned long long)(st.dev_minor & 0xffffff00u) << 12) | (st.dev_minor & 0xffu);
  char stamp[160];
  int n = snprintf(stamp, sizeof stamp, "%llu:%llu:%llu:%lld:%lld", dev, (unsigned long long)st.ino,
                   (unsigned long long)st.size, (long long)st.mtime.sec * 1000000000LL + st.mtime.nsec,
                   (long long)st.ctime.sec * 1000000000LL + st.ctime.nsec);
  CHECK(env, napi_create_string_latin1(env, stamp, (size_t)n, &result));
  return result;
}

NAPI_MODULE_INIT() {
  struct env_data *ed = calloc(1, sizeof *ed);
  if (ed == NULL) return napi_throw_error(env, "ENOMEM", "out of memory"), NULL;
  if (napi_add_env_cleanup_hook(env, env_cleanup, ed) != napi_ok) return free(ed), napi_fail(env);
#define FN(name, fn) {name, NULL, fn, NULL, NULL, NULL, napi_default_jsproperty, ed}
  napi_property_descriptor fns[] = {
      FN("socketOpen", socket_open),          FN("socketPortId", socket_port_id),
      FN("socketSend", socket_send),          FN("socketRecv", socket_recv),
      FN("socketRecvFrom", socket_recv_from), FN("socketPending", socket_pending),
      FN("socketSetOption", socket_set_option), FN("socketGetOption", socket_get_option),
      FN("socketClose", socket_close),        FN("pollerCreate", poller_create),
      FN("namespaceCreate", namespace_create), FN("mount", do_mount),
      FN("umount", do_umount),                FN("invokeInNamespace", invoke_in_namespace),
      FN("procSysOpen", proc_sys_open),       FN("packetOpen", packet_open),
      FN("packetSend", packet_send),          FN("socketCloseLater", socket_close_later),
      FN("socketNamespace", socket_namespace), FN("tunCreate", tun_create),
      FN("fileOpen", file_open),               FN("fileStamp", file_stamp),
      FN("fileReadScript", file_read_script),
  };
#undef FN
  CHECK(env, napi_define_properties(env, exports, sizeof fns / sizeof *fns, fns));
  return exports;
}
