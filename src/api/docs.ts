import type { OpenApiDocument, Operation } from "./openapi.js";

/**
 * The OpenAPI document as one static HTML page: no script, no stylesheet from elsewhere (the servers it runs on may have
 * no internet), readable by a clerk and printable.
 */

const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

type Schema = Record<string, unknown>;

const bounded = (n: unknown): n is number => typeof n === "number" && Math.abs(n) < 1e15;

function typeOf(schema: Schema): string {
  const parts: string[] = [];
  const branches = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (Array.isArray(branches)) parts.push(branches.map(typeOf).join(" | "));
  else if (Array.isArray(schema.enum)) parts.push(schema.enum.map((e) => JSON.stringify(e)).join(" | "));
  else if (schema.const !== undefined) parts.push(JSON.stringify(schema.const));
  else if (Array.isArray(schema.type)) parts.push(schema.type.join(" | "));
  else if (typeof schema.type === "string") parts.push(schema.type === "array" ? `${typeOf((schema.items ?? {}) as Schema)}[]` : schema.type);
  if (typeof schema.format === "string") parts.push(`(${schema.format})`);
  if (typeof schema.pattern === "string") parts.push(`/${schema.pattern}/`);
  if (bounded(schema.minimum) || bounded(schema.maximum)) {
    parts.push(`[${bounded(schema.minimum) ? schema.minimum : ""}…${bounded(schema.maximum) ? schema.maximum : ""}]`);
  }
  if (schema.default !== undefined) parts.push(`= ${JSON.stringify(schema.default)}`);
  return parts.join(" ") || "any";
}

/** A schema as an indented outline: one line per field, its type, whether it may be left out, and what it means. */
function outline(schema: Schema, depth = 0, out: string[] = []): string[] {
  const element = schema.type === "array" ? ((schema.items ?? {}) as Schema) : schema;
  const branches = (element.anyOf ?? element.oneOf) as Schema[] | undefined;
  if (Array.isArray(branches) && branches.some((b) => b.type === "object")) {
    branches.forEach((b, i) => {
      out.push(`${"  ".repeat(depth)}${i === 0 ? "one of:" : "or:"}`);
      outline(b, depth + 1, out);
    });
    return out;
  }
  const properties = (element.properties ?? {}) as Record<string, Schema>;
  const required = new Set((element.required ?? []) as string[]);
  for (const [name, p] of Object.entries(properties)) {
    const label = `${"  ".repeat(depth)}${name}${required.has(name) ? "" : "?"}`;
    const description = typeof p.description === "string" ? `  — ${p.description}` : "";
    out.push(`${label.padEnd(34)} ${typeOf(p)}${description}`);
    const inner = p.type === "array" ? ((p.items ?? {}) as Schema) : p;
    if (inner.type === "object" || Array.isArray(inner.anyOf ?? inner.oneOf)) outline(p, depth + 1, out);
  }
  return out;
}

function schemaBlock(title: string, schema: Schema): string {
  const lines = outline(schema);
  const shown = lines.length > 0 ? lines.join("\n") : typeOf(schema) + (typeof schema.description === "string" ? `  — ${schema.description}` : "");
  return `<details><summary>${title}</summary><pre>${escape(shown)}</pre>` +
    `<details class="raw"><summary>JSON Schema</summary><pre>${escape(JSON.stringify(schema, null, 2))}</pre></details></details>`;
}

function anchor(op: Operation): string {
  return `op-${op.operationId}`;
}

function renderOperation(method: string, path: string, op: Operation): string {
  const rows = op.parameters
    .map((p) => `<tr><td><code>${escape(p.name)}</code></td><td>${p.in}</td><td>${p.required ? "是 required" : ""}</td>` +
      `<td><code>${escape(typeOf(p.schema))}</code></td><td>${escape(p.description ?? "")}</td></tr>`)
    .join("");
  const params = rows ? `<table><thead><tr><th>参数 name</th><th>in</th><th>必填</th><th>type</th><th>说明 description</th></tr></thead><tbody>${rows}</tbody></table>` : "";
  const body = op.requestBody
    ? Object.entries(op.requestBody.content)
        .map(([media, { schema }]) => schemaBlock(`请求体 Request body: <code>${escape(media)}</code>`, schema))
        .join("")
    : "";
  const responses = Object.entries(op.responses)
    .map(([status, r]) => {
      const schema = r.content?.["application/json"]?.schema;
      const title = `<b>${escape(status)}</b> ${escape(r.description)}`;
      if (!schema) return `<p>${title}</p>`;
      return typeof schema.$ref === "string" ? `<p>${title}: <a href="#errors">Error</a></p>` : schemaBlock(title, schema);
    })
    .join("");
  return `<section class="op" id="${anchor(op)}"><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escape(path)}</code></h3>` +
    `<p>${escape(op.summary)} <small>(${escape(op["x-access"])})</small></p>${op.description ? `<p>${escape(op.description)}</p>` : ""}` +
    `${params}${body}${responses}</section>`;
}

export function docsHtml(doc: OpenApiDocument, jsonUrl: string): string {
  const byTag = new Map<string, string[]>();
  const toc = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags[0] ?? "other";
      byTag.set(tag, [...(byTag.get(tag) ?? []), renderOperation(method, path, op)]);
      toc.set(tag, [...(toc.get(tag) ?? []), `<li><a href="#${anchor(op)}"><code>${method.toUpperCase()} ${escape(path)}</code></a> ${escape(op.summary)}</li>`]);
    }
  }
  const tags = doc.tags.map((t) => t.name).filter((t) => byTag.has(t));
  const description = new Map(doc.tags.map((t) => [t.name, t.description]));
  const sections = tags.map((t) => `<h2 id="tag-${escape(t)}">${escape(t)} — ${escape(description.get(t) ?? "")}</h2>${(byTag.get(t) ?? []).join("")}`).join("");
  const contents = tags.map((t) => `<li><a href="#tag-${escape(t)}">${escape(t)}</a><ul>${(toc.get(t) ?? []).join("")}</ul></li>`).join("");
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(doc.info.title)}</title>
<style>
body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.5}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace}pre{background:#f6f8fa;padding:.75rem;overflow:auto;font-size:.85rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top;font-size:.9rem}
.op{border-top:1px solid #ddd;padding:.5rem 0}.m{display:inline-block;min-width:3.5rem;text-align:center;color:#fff;border-radius:3px;font-size:.85rem;padding:0 .3rem}
.raw{margin-left:1rem}.get{background:#2b7bb9}.post{background:#2e8b57}.put{background:#b8860b}.delete{background:#b22222}h2{margin-top:2.5rem}
</style></head><body>
<h1>${escape(doc.info.title)} <small>${escape(doc.info.version)}</small></h1>
<p>${escape(doc.info.description).replace(/\n\n/g, "</p><p>")}</p>
<p>OpenAPI ${escape(doc.openapi)}: <a href="${escape(jsonUrl)}">${escape(jsonUrl)}</a></p>
<nav><ul>${contents}</ul></nav>
${sections}
<h2 id="errors">错误 / Errors</h2>
<p>Every refusal below /api: 400 invalid_input (field names the input, e.g. body.certno, query.page_size), 404 not_found, 409 conflict,
415 unsupported_media_type, 413 payload_too_large, 500 internal_error.</p>
${schemaBlock("Error", (doc.components.schemas.Error ?? {}) as Schema)}
</body></html>
`;
}
