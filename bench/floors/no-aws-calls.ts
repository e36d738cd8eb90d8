/** The floor of a function that makes no AWS call (health, the OpenAPI document). */
export async function handler() {
  return { statusCode: 200 };
}
