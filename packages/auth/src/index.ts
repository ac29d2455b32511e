export { hashPassword, verifyPassword, MIN_PASSWORD_LENGTH } from "./passwords.ts";
