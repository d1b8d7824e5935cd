// Drag-and-drop vocabulary of the board: what is dragged (agents, or one membership), where it can land
// (a queue, or out of a queue), and how the keyboard moves between drop targets.
import {
  pointerWithin,
  rectIntersection,
  type Announcements,
  type CollisionDetection,
  type KeyboardCoordinateGetter,
} from "@dnd-kit/core";

export type DragData =
  | { kind: "agents"; agentIds: string[]; label: string }
  | { kind: "member"; agentId: string; queueId: string; label: string };

export type DropData = { kind: "queue"; queueId: string; label: string } | { kind: "release"; label: string };

export const RELEASE_ZONE_ID = "release";

/** The pointer decides under a mouse or finger; the keyboard's position decides otherwise. */
export const boardCollisionDetection: CollisionDetection = (args) =>
  args.pointerCoordinates ? pointerWithin(args) : rectIntersection(args);

const nextKeys = ["ArrowRight", "ArrowDown"];
const previousKeys = ["ArrowLeft", "ArrowUp"];

/**
 * Arrow keys jump from one drop target to the next (in reading order) instead of nudging by pixels: right
 * or down for the next queue, left or up for the previous one.
 */
export const jumpBetweenDropTargets: KeyboardCoordinateGetter = (event, { context }) => {
  const forward = nextKeys.includes(event.code);
  if (!forward && !previousKeys.includes(event.code)) return undefined;
  event.preventDefault();
  const { collisionRect, droppableRects, droppableContainers, over } = context;
  if (!collisionRect) return undefined;
  const targets = droppableContainers
    .getEnabled()
    .map((container) => ({ id: container.id, rect: droppableRects.get(container.id) }))
    .filter((target): target is { id: typeof target.id; rect: NonNullable<typeof target.rect> } =>
      Boolean(target.rect),
    )
    .sort((a, b) => a.rect.top - b.rect.top || a.rect.left - b.rect.left);
  if (targets.length === 0) return undefined;
  const current = targets.findIndex((target) => target.id === over?.id);
  const index =
    current === -1
      ? forward
        ? 0
        : targets.length - 1
      : (current + (forward ? 1 : -1) + targets.length) % targets.length;
  const target = targets[index];
  if (!target) return undefined;
  // Centre the dragged item's rectangle on the target.
  return {
    x: target.rect.left + target.rect.width / 2 - collisionRect.width / 2,
    y: target.rect.top + Math.min(target.rect.height / 2, 40) - collisionRect.height / 2,
  };
};

const dragLabel = (data: unknown) => (data as DragData | undefined)?.label ?? "the item";
const dropLabel = (data: unknown) => (data as DropData | undefined)?.label ?? "nowhere";

export const screenReaderInstructions = {
  draggable:
    "To move, press space or enter. Use the arrow keys to go from one queue to the next, space or enter to drop there, escape to cancel.",
};

export const announcements: Announcements = {
  onDragStart: ({ active }) => `Picked up ${dragLabel(active.data.current)}.`,
  onDragOver: ({ active, over }) =>
    over
      ? `${dragLabel(active.data.current)} is over ${dropLabel(over.data.current)}.`
      : `${dragLabel(active.data.current)} is over no queue.`,
  onDragEnd: ({ active, over }) =>
    over
      ? `${dragLabel(active.data.current)} dropped on ${dropLabel(over.data.current)}.`
      : `${dragLabel(active.data.current)} dropped.`,
  onDragCancel: ({ active }) => `Moving ${dragLabel(active.data.current)} was cancelled.`,
};
