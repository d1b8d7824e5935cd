// Drag-and-drop vocabulary of the board: what is dragged (agents, or one membership), where it can land
// (a queue, or out of a queue), and how the keyboard moves between drop targets.
import {
  pointerWithin,
  rectIntersection,
  type Announcements,
  type CollisionDetection,
  type KeyboardCoordinateGetter,
} from "@dnd-kit/core";
import { isRtl, type MessageKey, type MessageValues } from "../../i18n/i18n.tsx";

export type DragData =
  | { kind: "agents"; agentIds: string[]; label: string }
  | { kind: "member"; agentId: string; queueId: string; label: string };

export type DropData = { kind: "queue"; queueId: string; label: string } | { kind: "release"; label: string };

export const RELEASE_ZONE_ID = "release";

/** The pointer decides under a mouse or finger; the keyboard's position decides otherwise. */
export const boardCollisionDetection: CollisionDetection = (args) =>
  args.pointerCoordinates ? pointerWithin(args) : rectIntersection(args);

/** The arrow keys that go forward in reading order: right and down, or left and down right to left. */
function direction(code: string, rtl: boolean): "forward" | "back" | null {
  if (code === "ArrowDown" || code === (rtl ? "ArrowLeft" : "ArrowRight")) return "forward";
  if (code === "ArrowUp" || code === (rtl ? "ArrowRight" : "ArrowLeft")) return "back";
  return null;
}

/**
 * Arrow keys jump from one drop target to the next (in reading order) instead of nudging by pixels, and
 * move the way they point: right to left, the left arrow goes on to the next queue and the right arrow back.
 */
export const jumpBetweenDropTargets: KeyboardCoordinateGetter = (event, { context }) => {
  const rtl = isRtl();
  const step = direction(event.code, rtl);
  if (!step) return undefined;
  const forward = step === "forward";
  event.preventDefault();
  const { collisionRect, droppableRects, droppableContainers, over } = context;
  if (!collisionRect) return undefined;
  const targets = droppableContainers
    .getEnabled()
    .map((container) => ({ id: container.id, rect: droppableRects.get(container.id) }))
    .filter((target): target is { id: typeof target.id; rect: NonNullable<typeof target.rect> } =>
      Boolean(target.rect),
    )
    .sort((a, b) => a.rect.top - b.rect.top || (rtl ? b.rect.left - a.rect.left : a.rect.left - b.rect.left));
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

/** What a screen reader hears while dragging, in the person's language (dnd-kit reads these aloud). */
export function dragAccessibility(t: (key: MessageKey, values?: MessageValues) => string): {
  announcements: Announcements;
  screenReaderInstructions: { draggable: string };
} {
  const dragLabel = (data: unknown) => (data as DragData | undefined)?.label ?? t("dnd.item");
  const dropLabel = (data: unknown) => (data as DropData | undefined)?.label ?? t("dnd.nowhere");
  return {
    screenReaderInstructions: { draggable: t("dnd.instructions") },
    announcements: {
      onDragStart: ({ active }) => t("dnd.pickedUp", { item: dragLabel(active.data.current) }),
      onDragOver: ({ active, over }) =>
        over
          ? t("dnd.over", { item: dragLabel(active.data.current), target: dropLabel(over.data.current) })
          : t("dnd.overNothing", { item: dragLabel(active.data.current) }),
      onDragEnd: ({ active, over }) =>
        over
          ? t("dnd.dropped", { item: dragLabel(active.data.current), target: dropLabel(over.data.current) })
          : t("dnd.droppedNowhere", { item: dragLabel(active.data.current) }),
      onDragCancel: ({ active }) => t("dnd.cancelled", { item: dragLabel(active.data.current) }),
    },
  };
}
