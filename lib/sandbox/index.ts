/** rtnetlink/sandbox: filled by the sandbox layer. */
export {};
