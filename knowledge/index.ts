/** The security knowledge leaf: imported by constructs and policy alike, imports nothing of the project. */
export * from "./security";
export * from "./roles";
export * from "./cloudflare";
export * from "./suppressions";
export * from "./monitoring";
export * from "./backup";
export * from "./github";
export * from "./ingress";
