// The create-token rules as the generator derived them, so that tests follow the spec instead of restating it.
import { operations } from "../../src/generated/rules.js";
import { enums } from "../../src/generated/enums.js";

const createToken = operations["users-createToken"];
export const ttlRule = createToken.body.properties.ttl;
export const nameRule = createToken.body.properties.name;
export const usernameRule = createToken.pathParams.username;
export const TOKEN_TYPES = Object.values(enums.token_type);
export const { read_write: READ_WRITE, read_scaling: READ_SCALING } = enums.token_type;
