{
  "targets": [
    {
      "target_name": "rtnetlink_native",
      "sources": ["native/rtnetlink.c"],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"],
      "cflags": ["-Wall", "-Wextra", "-O2", "-fvisibility=hidden"],
      "cflags!": ["-fno-exceptions"]
    }
  ]
}
