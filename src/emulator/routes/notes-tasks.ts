import { ApiError } from '../api-error.js';
import { toNoteJson, toTaskJson } from '../contact-json.js';
import { newId } from '../ids.js';
import { normaliseIsoDateTime } from '../../platform/normalise.js';
import type { NoteRecord, TaskRecord } from '../types.js';
import { ok, type RouteContext, type RouteDef } from './route.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function notesOf(ctx: RouteContext): Map<string, NoteRecord> {
  return ctx.loc.notes.get(ctx.contact!.id) ?? new Map();
}

function note(ctx: RouteContext): NoteRecord {
  const n = notesOf(ctx).get(ctx.params.id!);
  if (!n) throw new ApiError(400, `Note not found for id:${ctx.params.id}`);
  return n;
}

function pickNote(body: Record<string, unknown>, into: Mutable<Partial<NoteRecord>>): void {
  for (const k of ['body', 'userId', 'title', 'color'] as const) if (typeof body[k] === 'string') into[k] = body[k] as string;
  if (typeof body.pinned === 'boolean') into.pinned = body.pinned;
}

function createNote(ctx: RouteContext) {
  const body = String(ctx.body.body);
  if (!body.trim()) throw new ApiError(422, ['body should not be empty']);
  const n: Mutable<NoteRecord> = { id: newId(), contactId: ctx.contact!.id, body, dateAdded: ctx.now };
  pickNote(ctx.body, n);
  ctx.store.putNote(ctx.loc.settings.id, n);
  return ok({ note: toNoteJson(n) }, 201);
}

function updateNote(ctx: RouteContext) {
  const n: Mutable<NoteRecord> = { ...note(ctx) };
  pickNote(ctx.body, n);
  ctx.store.putNote(ctx.loc.settings.id, n);
  return ok({ note: toNoteJson(n) });
}

function tasksOf(ctx: RouteContext): Map<string, TaskRecord> {
  return ctx.loc.tasks.get(ctx.contact!.id) ?? new Map();
}

function task(ctx: RouteContext): TaskRecord {
  const t = tasksOf(ctx).get(ctx.params.taskId!);
  if (!t) throw new ApiError(400, `Task not found for id:${ctx.params.taskId}`);
  return t;
}

function dueDate(v: unknown): string {
  const d = typeof v === 'string' ? normaliseIsoDateTime(v) : undefined;
  if (!d) throw new ApiError(422, ['dueDate must be a valid ISO 8601 date string']);
  return d;
}

function createTask(ctx: RouteContext) {
  const b = ctx.body;
  if (!String(b.title).trim()) throw new ApiError(422, ['title should not be empty']);
  const t: Mutable<TaskRecord> = {
    id: newId(),
    contactId: ctx.contact!.id,
    title: String(b.title),
    dueDate: dueDate(b.dueDate),
    completed: b.completed === true,
    dateAdded: ctx.now,
  };
  if (typeof b.body === 'string') t.body = b.body;
  if (typeof b.assignedTo === 'string') t.assignedTo = b.assignedTo;
  ctx.store.putTask(ctx.loc.settings.id, t);
  return ok({ task: toTaskJson(t) }, 201);
}

function updateTask(ctx: RouteContext) {
  const t: Mutable<TaskRecord> = { ...task(ctx) };
  const b = ctx.body;
  if (typeof b.title === 'string') t.title = b.title;
  if (typeof b.body === 'string') t.body = b.body;
  if (typeof b.assignedTo === 'string') t.assignedTo = b.assignedTo;
  if (typeof b.completed === 'boolean') t.completed = b.completed;
  if (b.dueDate !== undefined) t.dueDate = dueDate(b.dueDate);
  ctx.store.putTask(ctx.loc.settings.id, t);
  return ok({ task: toTaskJson(t) });
}

function byDateAdded<T extends { dateAdded: number; id: string }>(a: T, b: T): number {
  return a.dateAdded - b.dateAdded || (a.id < b.id ? -1 : 1);
}

export const noteTaskRoutes: RouteDef[] = [
  { method: 'GET', path: '/contacts/{contactId}/notes', operationId: 'get-all-notes', scope: 'contacts.readonly', locationFrom: 'token', handler: (ctx) => ok({ notes: [...notesOf(ctx).values()].sort(byDateAdded).map(toNoteJson) }) },
  { method: 'POST', path: '/contacts/{contactId}/notes', operationId: 'create-note', scope: 'contacts.write', locationFrom: 'token', handler: createNote },
  { method: 'GET', path: '/contacts/{contactId}/notes/{id}', operationId: 'get-note', scope: 'contacts.readonly', locationFrom: 'token', handler: (ctx) => ok({ note: toNoteJson(note(ctx)) }) },
  { method: 'PUT', path: '/contacts/{contactId}/notes/{id}', operationId: 'update-note', scope: 'contacts.write', locationFrom: 'token', handler: updateNote },
  {
    method: 'DELETE',
    path: '/contacts/{contactId}/notes/{id}',
    operationId: 'delete-note',
    scope: 'contacts.write',
    locationFrom: 'token',
    handler: (ctx) => {
      ctx.store.deleteNote(ctx.loc.settings.id, ctx.contact!.id, note(ctx).id);
      return ok({ succeded: true });
    },
  },
  { method: 'GET', path: '/contacts/{contactId}/tasks', operationId: 'get-all-tasks', scope: 'contacts.readonly', locationFrom: 'token', handler: (ctx) => ok({ tasks: [...tasksOf(ctx).values()].sort(byDateAdded).map(toTaskJson) }) },
  { method: 'POST', path: '/contacts/{contactId}/tasks', operationId: 'create-task', scope: 'contacts.write', locationFrom: 'token', handler: createTask },
  { method: 'GET', path: '/contacts/{contactId}/tasks/{taskId}', operationId: 'get-task', scope: 'contacts.readonly', locationFrom: 'token', handler: (ctx) => ok({ task: toTaskJson(task(ctx)) }) },
  { method: 'PUT', path: '/contacts/{contactId}/tasks/{taskId}', operationId: 'update-task', scope: 'contacts.write', locationFrom: 'token', handler: updateTask },
  {
    method: 'DELETE',
    path: '/contacts/{contactId}/tasks/{taskId}',
    operationId: 'delete-task',
    scope: 'contacts.write',
    locationFrom: 'token',
    handler: (ctx) => {
      ctx.store.deleteTask(ctx.loc.settings.id, ctx.contact!.id, task(ctx).id);
      return ok({ succeded: true });
    },
  },
  {
    method: 'PUT',
    path: '/contacts/{contactId}/tasks/{taskId}/completed',
    operationId: 'update-task-completed',
    scope: 'contacts.write',
    locationFrom: 'token',
    handler: (ctx) => {
      const t = { ...task(ctx), completed: ctx.body.completed === true };
      ctx.store.putTask(ctx.loc.settings.id, t);
      return ok({ task: toTaskJson(t) });
    },
  },
];
